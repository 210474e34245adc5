// The scenario language's liveness verdict (`check liveness`) is the shared recovery judge
// (sim/checkers/recovery.ts): a narrated scenario, `zabsim run` and a fuzz capsule name a liveness
// failure with the same classes and words.
export { judgeRecovery as judgeProgress, LIVENESS_CLASSES, type LivenessClass, type RecoveryVerdict as ProgressVerdict } from '../checkers/recovery.js';
