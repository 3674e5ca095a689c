// Storage bindings (queue, blob, table), served beside the Functions host like the storage extension the real
// host loads. One table (binding-types.ts) maps a binding type to what serves it.

export { BindingError } from './binding-error';
export { createStorageBindingsExtension, type StorageBindingsExtensionOptions } from './storage-bindings-extension';
export { BindingExpressionError, resolveBindingExpression, bindingParameters, type ExpressionScope } from './binding-expressions';
export { bindingDataOf } from './binding-data';
export { BINDING_TYPES, TRIGGER_TYPES } from './binding-types';
export { recordStorageOutputs, type RecordedOutput } from './recorded-outputs';
