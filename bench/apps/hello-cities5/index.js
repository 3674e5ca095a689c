// HelloCities5: an orchestration that calls 5 activities in sequence (specs/backends.md A15.2).
// The invocation hooks add up the time spent inside the handlers (bench/hello-cities5.bench.js, oneAtATime).
const { app } = require('@azure/functions');
const df = require('durable-functions');

const CITIES = ['Tokyo', 'Seattle', 'London', 'Cairo', 'Lima'];

df.app.activity('SayHello', { handler: (city) => `Hello ${city}!` });

df.app.orchestration('HelloCities5', function* (context) {
  const greetings = [];
  for (const city of CITIES) greetings.push(yield context.df.callActivity('SayHello', city));
  return greetings;
});

// Time inside the handlers, hook to hook: durable-functions' orchestrator handler (its replay) and the activities.
const replay = (globalThis.__benchReplay = { ns: 0n, episodes: 0, activityNs: 0n });
app.hook.preInvocation((context) => {
  context.hookData.start = process.hrtime.bigint();
});
app.hook.postInvocation((context) => {
  const spent = process.hrtime.bigint() - context.hookData.start;
  if (context.invocationContext.options.trigger.type !== 'orchestrationTrigger') {
    replay.activityNs += spent;
    return;
  }
  replay.ns += spent;
  replay.episodes++;
});
