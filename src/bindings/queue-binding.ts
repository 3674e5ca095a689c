// The queue output binding: one message per value, or per element of an array; objects as JSON; the queue is
// created on demand. A listener of this host on the same queue polls at once (specs/storage-bindings.md §4.2).

import type { BindingType } from './binding-type';
import { checkContainerOrQueueName } from './blob-path';
import { encodeQueueMessage } from './queue-message-text';

export const queueBinding: BindingType = {
  type: 'queue',
  target: 'queueName',

  async output(call, value) {
    const where = `Function '${call.invocation.fn.name}', queue output binding '${call.binding.name}'`;
    const queueName = checkContainerOrQueueName('queue', call.resolve('queueName'), where);
    const clients = await call.accounts.clients(call.binding.connection);
    await call.accounts.ensureQueue(clients, queueName);
    const queue = clients.queue(queueName);
    for (const message of Array.isArray(value) ? value : [value]) {
      await queue.sendMessage(encodeQueueMessage(message, call.options.messageEncoding));
    }
    call.queueWatcher.notify(clients.description, queueName);
  },
};
