// The one table from a binding's `type` to what serves it. Serving a new type is one file and one line here.

import type { BindingType, TriggerType } from './binding-type';
import { blobBinding } from './blob-binding';
import { queueBinding } from './queue-binding';
import { blobTrigger } from './blob-trigger';
import { queueTrigger } from './queue-trigger';
import { tableBinding } from './table-binding';

export const BINDING_TYPES: readonly BindingType[] = [blobBinding, queueBinding, tableBinding];

export const TRIGGER_TYPES: readonly TriggerType[] = [queueTrigger, blobTrigger];
