// Public surface of the general linearizability engine and its built-in models.
export { checkOperations, STEPS_MAX_DEFAULT } from './search.js';
export { hashNumber, hashString, mix32 } from './model.js';
export type { CheckOptions, LinearizabilityResult, LinearizabilityWitness, Model, Operation, Verdict } from './model.js';
export { REGISTER_UNKNOWN, registerModel, registerOutput } from './register.js';
export type { RegisterInput, RegisterOutput, RegisterState } from './register.js';
export { KV_UNKNOWN, kvInput, kvModel, kvOutput, partitionByKey } from './kv.js';
export type { KvInput, KvOutput, KvState } from './kv.js';
