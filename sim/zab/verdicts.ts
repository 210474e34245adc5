// Reading a run's verdicts the same way everywhere (fuzz, run, replay, shrink, capsules): which
// checker failed first, its detail, and which checkers could not decide. Every checker a run
// computes counts: the Zab invariants, the client checkers and liveness. An `unknown` (a checker
// that ran out of budget or met a history it cannot judge) is not a failure, but it is named, so
// that a sweep whose client checks all gave up cannot pass for a clean one.
import { CLIENT_CHECKERS } from '../checkers/client-common.js';
import { ZAB_CHECKERS } from './checker.js';
import { RECIPE_CHECKERS } from '../service/fuzz-app.js';
import type { RunReport } from './run.js';

/** Every checker whose verdict decides a run, in the order a first failure is named. */
export const VERDICT_ORDER: readonly string[] = [...ZAB_CHECKERS, ...CLIENT_CHECKERS, ...RECIPE_CHECKERS, 'liveness'];

/**
 * The first failed checker, or null: "internal-error" for a run that threw; else the first Zab
 * violation in time (its checker); else the first violated verdict in VERDICT_ORDER (safety
 * checkers before liveness, so a run that broke safety is never filed as a liveness failure).
 */
export function firstFailure(report: RunReport): string | null {
  if (report.stop === 'error') return 'internal-error';
  const first = report.violations[0];
  if (first !== undefined) return first.checker;
  for (const name of VERDICT_ORDER) if (report.verdicts[name] === 'violated') return name;
  return null;
}

/** The checkers that answered `unknown`, in VERDICT_ORDER. */
export function unknownCheckers(report: RunReport): string[] {
  const out: string[] = [];
  for (const name of VERDICT_ORDER) if (report.verdicts[name] === 'unknown') out.push(name);
  return out;
}

/** "<checker>: <what it saw>" for the failure firstFailure names (one line, the witness's reason). */
export function failureDetail(report: RunReport, failure: string): string {
  if (failure === 'internal-error') return `internal-error: ${report.error ?? 'the run threw'}`;
  if (failure === 'liveness') return `liveness: ${report.liveness.reason}`;
  const zab = report.violations.find((v) => v.checker === failure);
  if (zab !== undefined) return `${failure}: ${zab.message}`;
  const client = report.clientChecks.find((r) => r.name === failure && r.verdict === 'violated');
  if (client !== undefined) return `${failure}: ${client.witness?.reason ?? 'violated'}`;
  const recipe = report.recipeChecks.find((r) => r.name === failure && r.verdict === 'violated');
  if (recipe !== undefined) return `${failure}: ${recipe.reason}`;
  return `${failure}: violated`;
}
