// HelloCities5 written for @microsoft/durabletask-js: the partner the engine benchmarks run side by side with, on the
// SDK's in-memory test backend or (the emulator bench) registered on its gRPC worker.
'use strict';
const { InMemoryOrchestrationBackend, TestOrchestrationClient, TestOrchestrationWorker } = require('@microsoft/durabletask-js');

// The SDK's test worker logs every event through console.info/debug, with no way to pass a logger: mute them, so no
// subject pays for console output and stdout stays one JSON object.
console.info = console.debug = () => {};

const CITIES = ['Tokyo', 'Seattle', 'London', 'Cairo', 'Lima'];
/** Every HelloCities5's output, as JSON. */
const EXPECTED_OUTPUT = JSON.stringify(CITIES.map((city) => `Hello ${city}!`));

function registerHelloCities5(worker) {
  worker.addNamedActivity('SayHello', (_ctx, city) => `Hello ${city}!`);
  // durabletask-js orchestrators are async generators.
  worker.addNamedOrchestrator('HelloCities5', async function* (ctx) {
    const greetings = [];
    for (const city of CITIES) greetings.push(yield ctx.callActivity('SayHello', city));
    return greetings;
  });
}

/** The SDK's in-memory backend with HelloCities5 registered and its worker started; `stop()` stops both. */
async function startInMemoryHelloCities5() {
  const backend = new InMemoryOrchestrationBackend();
  const client = new TestOrchestrationClient(backend);
  const worker = new TestOrchestrationWorker(backend);
  registerHelloCities5(worker);
  await worker.start();
  return {
    client,
    async stop() {
      await worker.stop();
      await client.stop();
    },
  };
}

module.exports = { CITIES, EXPECTED_OUTPUT, registerHelloCities5, startInMemoryHelloCities5 };
