/**
 * Function chaining: `HelloCities` calls the `SayHello` activity for Tokyo, Seattle and London one after another,
 * each call starting only when the previous one has finished, and returns the three greetings.
 *
 *   POST /api/StartChaining   → 202 with the status URLs; the output is ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
 *
 * `SayHello` is shared by the fan-out/fan-in and claim-approval samples.
 */
import * as df from 'durable-functions';

df.app.activity('SayHello', {
    handler: (city: string): string => `Hello ${city}!`,
});

df.app.orchestration('HelloCities', function* (context) {
    const greetings: string[] = [];
    for (const city of ['Tokyo', 'Seattle', 'London']) {
        greetings.push(yield context.df.callActivity('SayHello', city));
    }
    return greetings;
});

df.app.client.http('StartChaining', {
    methods: ['POST'],
    authLevel: 'anonymous',
    handler: async (request, client, context) => {
        const instanceId = await client.startNew('HelloCities');
        context.log(`Started HelloCities instance ${instanceId}`);
        return client.createCheckStatusResponse(request, instanceId);
    },
});
