// The trivial HTTP function the host benchmark measures: the same work as the bare node:http server.
const { app } = require('@azure/functions');

app.get('ping', { authLevel: 'anonymous', handler: () => ({ body: 'pong' }) });
