// FanOut: an orchestration that calls `width` activities at once (its input) and joins them with Task.all.
const df = require('durable-functions');

df.app.activity('Square', { handler: (n) => n * n });

df.app.orchestration('FanOut', function* (context) {
  const width = context.df.getInput();
  const squares = yield context.df.Task.all(Array.from({ length: width }, (_, i) => context.df.callActivity('Square', i)));
  return squares.reduce((sum, square) => sum + square, 0);
});

// Counts orchestrator episodes (invocations of the orchestration trigger), for the bench to report.
const { app } = require('@azure/functions');
const counts = (globalThis.__benchFanOut = { episodes: 0 });
app.hook.postInvocation((context) => {
  if (context.invocationContext.options.trigger.type === 'orchestrationTrigger') counts.episodes++;
});
