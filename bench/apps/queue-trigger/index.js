// One queue-triggered function that records how long each message took from enqueue to handler; GET /api/stats
// reports the latencies once the benchmark asks.
const { app } = require('@azure/functions');

const latencies = [];
let firstDoneAt = 0;
let lastDoneAt = 0;

app.storageQueue('consume', {
  queueName: 'bench-items',
  connection: 'AzureWebJobsStorage',
  handler: (message) => {
    lastDoneAt = Date.now();
    firstDoneAt ||= lastDoneAt;
    latencies.push(lastDoneAt - message.sentAt);
  },
});

app.get('stats', { handler: () => ({ jsonBody: { count: latencies.length, firstDoneAt, lastDoneAt, latencies } }) });
app.post('reset', { handler: () => { latencies.length = 0; firstDoneAt = lastDoneAt = 0; return { status: 204 }; } });
