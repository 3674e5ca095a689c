// HelloCities5: an orchestration that calls 5 activities in sequence (specs/backends.md A15.2).
// The invocation hooks add up the time spent inside durable-functions' orchestrator handler (its replay).
const { app } = require('@azure/functions');
const df = require('durable-functions');

const CITIES = ['Tokyo', 'Seattle', 'London', 'Cairo', 'Lima'];

df.app.activity('SayHello', { handler: (city) => `Hello ${city}!` });

df.app.orchestration('HelloCities5', function* (context) {
  const greetings = [];
  for (const city of CITIES) greetings.push(yield context.df.callActivity('SayHello', city));
  return greetings;
});

const replay = (globalThis.__benchReplay = { ns: 0n, episodes: 0 });
app.hook.preInvocation((context) => {
  if (context.invocationContext.options.trigger.type === 'orchestrationTrigger') context.hookData.start = process.hrtime.bigint();
});
app.hook.postInvocation((context) => {
  if (context.hookData.start === undefined) return;
  replay.ns += process.hrtime.bigint() - context.hookData.start;
  replay.episodes++;
});
