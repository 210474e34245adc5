// Lessons: narrated catalogue scenarios with "predict the outcome" questions. Each question is asked
// when the cursor reaches one narrated step and revealed at a later one (or the end). Its choices
// and its right answer are read from the run itself (its trace and its servers' states), never
// written here: a question names only what to look at (who got elected, which sync a learner got,
// whether a write is in the committed history, how many lock holders there were at once).
import { mapGet, type PersistentMap } from '../../protocol/tree/hamt.js';
import type { NodeId } from '../../protocol/program.js';
import type { StudioSession } from './session.js';

/** What a question asks the run. */
export type Ask =
  /** Which server is elected (first to become LEADING) between the ask and the reveal. */
  | { readonly kind: 'elected' }
  /** Whether `key=value` is in the committed history at the end of the run. */
  | { readonly kind: 'survives'; readonly key: string; readonly value: string }
  /** Which sync (DIFF, TRUNC, SNAP) the learner gets first after the ask. */
  | { readonly kind: 'sync'; readonly learner: NodeId }
  /** Which server proposes the first client write invoked after the ask. */
  | { readonly kind: 'proposer' }
  /** Whether any server commits a txn between the ask and the reveal. */
  | { readonly kind: 'commits' }
  /** Whether the znode exists, at the reveal, on any server that is up. */
  | { readonly kind: 'znode'; readonly path: string }
  /** Whether the lock recipe ever has two holders at once up to the reveal. */
  | { readonly kind: 'two-holders' }
  /** How many clients the first watch notification after the ask wakes (one change, one zxid). */
  | { readonly kind: 'woken' };

export interface QuestionDef {
  /** Asked at this narrated step (1 = the scenario's first narration). */
  readonly at: number;
  /** Revealed at this narrated step, or at the end of the run. */
  readonly reveal: number | 'end';
  readonly text: string;
  readonly ask: Ask;
}

export interface LessonDef {
  readonly scenario: string;
  readonly title: string;
  readonly questions: readonly QuestionDef[];
}

const YES_NO = ['yes', 'no'];

export const LESSONS: readonly LessonDef[] = [
  {
    scenario: 'split-brain',
    title: 'Split brain: only a quorum commits',
    questions: [
      { at: 3, reveal: 6, text: 'The ensemble is cut into {4 5} and {1 2 3}. Which server does the majority elect?', ask: { kind: 'elected' } },
      {
        at: 4,
        reveal: 'end',
        text: 'The old leader 5 takes the write x=2 on the minority side. Will x=2 survive?',
        ask: { kind: 'survives', key: 'x', value: '2' },
      },
      { at: 9, reveal: 'end', text: 'After the heal, which sync does the old leader 5 get?', ask: { kind: 'sync', learner: 5 } },
    ],
  },
  {
    scenario: 'leader-crash-quorum-survives',
    title: 'A proposal a quorum logged survives its leader',
    questions: [
      {
        at: 4,
        reveal: 'end',
        text: 'Leader 3 dies before committing x=2, which it and server 2 logged. Will x=2 survive?',
        ask: { kind: 'survives', key: 'x', value: '2' },
      },
      { at: 4, reveal: 'end', text: 'Which server wins the next election?', ask: { kind: 'elected' } },
    ],
  },
  {
    scenario: 'leader-crash-minority-rolled-back',
    title: 'A proposal only a minority logged is rolled back',
    questions: [
      {
        at: 1,
        reveal: 'end',
        text: 'Leader 3, cut off, logs ghost=minority alone and dies. Will ghost=minority survive?',
        ask: { kind: 'survives', key: 'ghost', value: 'minority' },
      },
      { at: 2, reveal: 'end', text: 'When server 3 comes back, which sync does it get?', ask: { kind: 'sync', learner: 3 } },
    ],
  },
  {
    scenario: 'sync-diff',
    title: 'Sync by DIFF',
    questions: [{ at: 2, reveal: 'end', text: 'Server 1 restarts two txns behind. Which sync does it get?', ask: { kind: 'sync', learner: 1 } }],
  },
  {
    scenario: 'sync-trunc',
    title: 'Sync by TRUNC',
    questions: [{ at: 3, reveal: 'end', text: 'Server 3 comes back with a txn nobody else has. Which sync does it get?', ask: { kind: 'sync', learner: 3 } }],
  },
  {
    scenario: 'sync-snap-behind',
    title: 'Sync by SNAP',
    questions: [
      { at: 2, reveal: 'end', text: "Server 1 is behind the leader's committedLog (2 txns kept). Which sync does it get?", ask: { kind: 'sync', learner: 1 } },
    ],
  },
  {
    scenario: 'observer-no-vote',
    title: 'An observer has no vote',
    questions: [
      { at: 2, reveal: 3, text: 'A client writes through the observer, server 4. Which server proposes the write?', ask: { kind: 'proposer' } },
      { at: 3, reveal: 'end', text: 'Two of three voters die; the observer is up. Will the next write commit?', ask: { kind: 'commits' } },
    ],
  },
  {
    scenario: 'forwarding-through-follower',
    title: 'Forwarding through a follower',
    questions: [{ at: 1, reveal: 2, text: 'A client connected to follower 1 writes x=1. Which server proposes it?', ask: { kind: 'proposer' } }],
  },
  {
    scenario: 'session-expiry-ephemerals-group',
    title: 'Session expiry removes ephemerals',
    questions: [
      {
        at: 2,
        reveal: 'end',
        text: "m1's process dies without closing its session. Will its ephemeral node /g/m6 still exist at the end?",
        ask: { kind: 'znode', path: '/g/m6' },
      },
    ],
  },
  {
    scenario: 'herd-free-lock',
    title: 'The herd-free lock',
    questions: [
      { at: 2, reveal: 'end', text: 'l1 releases the lock; l2 and l3 wait. How many clients are woken by its delete?', ask: { kind: 'woken' } },
      { at: 1, reveal: 'end', text: 'Will the lock ever have two holders at once?', ask: { kind: 'two-holders' } },
    ],
  },
  {
    scenario: 'unfenced-lock-pause',
    title: 'The unfenced lock',
    questions: [{ at: 2, reveal: 3, text: 'l1 holds the lock and stops for 9 s. Will the lock have two holders at once?', ask: { kind: 'two-holders' } }],
  },
  {
    scenario: 'election-zxid-beats-sid',
    title: 'The higher zxid beats the higher sid',
    questions: [{ at: 3, reveal: 4, text: 'Server 1 (last 1:2) and server 2 (last 1:1, higher sid) elect. Who wins?', ask: { kind: 'elected' } }],
  },
];

export function lessonFor(scenario: string): LessonDef | undefined {
  return LESSONS.find((l) => l.scenario === scenario);
}

/** A question as the run answers it. */
export interface GradedQuestion {
  readonly def: QuestionDef;
  readonly askAt: number;
  readonly revealAt: number;
  readonly choices: readonly string[];
  readonly answer: string;
  /** What in the run gives the answer, in a sentence. */
  readonly evidence: string;
}

type Rec = { t: number; k: string; node?: number; from?: number; to?: number; msg?: string; what?: Record<string, unknown> };

/** Reads every question's answer (and its choices) from the session's run. */
export function gradeLesson(lesson: LessonDef, session: StudioSession): GradedQuestion[] {
  const records = session.run.lines.map((l) => JSON.parse(l) as Rec).filter((r) => typeof r.t === 'number');
  const narr = session.model.narration.map((n) => n.t);
  const tEnd = session.model.tEnd;
  const label = (id: NodeId | null | undefined): string =>
    id === null || id === undefined ? 'nobody' : (session.model.lanes.find((l) => l.id === id)?.label ?? `n${id}`);
  const servers = session.model.lanes.filter((l) => l.kind === 'server').map((l) => l.label);
  const everyServer = session.model.lanes.filter((l) => l.kind === 'server' || l.kind === 'observer').map((l) => l.label);
  return lesson.questions.map((def) => {
    const askAt = narr[def.at - 1] ?? 0;
    const revealAt = def.reveal === 'end' ? tEnd : (narr[def.reveal - 1] ?? tEnd);
    const within = (r: Rec): boolean => r.t >= askAt && r.t <= revealAt;
    const obs = (r: Rec, kind: string): boolean => r.k === 'observe' && r.what?.['kind'] === kind;
    const q = (choices: string[], answer: string, evidence: string): GradedQuestion => ({ def, askAt, revealAt, choices, answer, evidence });
    switch (def.ask.kind) {
      case 'elected': {
        const r = records.find((x) => within(x) && obs(x, 'role') && x.what?.['role'] === 'LEADING');
        return q(
          [...servers, 'nobody'],
          label(r?.node),
          r === undefined ? 'nobody became LEADING' : `${label(r.node)} became LEADING at ${(r.t / 1e6).toFixed(3)}s`,
        );
      }
      case 'survives': {
        const { key, value } = def.ask;
        const hit = session.run.outcome.committed.find((x) => x.endsWith(` set ${key}=${value}`));
        return q(
          YES_NO,
          hit === undefined ? 'no' : 'yes',
          hit === undefined ? `the committed history at the end has no ${key}=${value}` : `the committed history at the end holds ${hit}`,
        );
      }
      case 'sync': {
        const learner = def.ask.learner;
        const r = records.find((x) => x.t >= askAt && obs(x, 'sync') && x.what?.['learner'] === learner);
        const mode = r === undefined ? 'none' : String(r.what?.['mode']);
        return q(['DIFF', 'TRUNC', 'SNAP'], mode, r === undefined ? `${label(learner)} got no sync` : `${label(r.node)} synced ${label(learner)} by ${mode}`);
      }
      case 'proposer': {
        const invoke = records.find((x) => x.t >= askAt && obs(x, 'invoke'));
        const r = invoke === undefined ? undefined : records.find((x) => x.t >= invoke.t && obs(x, 'propose'));
        return q(everyServer, label(r?.node), r === undefined ? 'nobody proposed it' : `${label(r.node)} proposed it at ${(r.t / 1e6).toFixed(3)}s`);
      }
      case 'commits': {
        const r = records.find((x) => within(x) && x.t > askAt && obs(x, 'commit'));
        return q(
          YES_NO,
          r === undefined ? 'no' : 'yes',
          r === undefined ? 'no server committed anything' : `${label(r.node)} committed a txn at ${(r.t / 1e6).toFixed(3)}s`,
        );
      }
      case 'znode': {
        const path = def.ask.path;
        const holders = session
          .serversAt(revealAt, 0, 0)
          .filter((s) => !s.down)
          .filter((s) => {
            const state = session.run.recorder?.stateAt(s.node, revealAt)?.state as { nodes?: PersistentMap<unknown> } | undefined;
            return state?.nodes !== undefined && mapGet(state.nodes, path) !== undefined;
          })
          .map((s) => label(s.node));
        return q(
          YES_NO,
          holders.length > 0 ? 'yes' : 'no',
          holders.length > 0 ? `${path} exists on ${holders.join(', ')}` : `no server that is up has ${path}`,
        );
      }
      case 'two-holders': {
        const holding = new Set<number>();
        let most = 0;
        for (const x of records) {
          if (x.t > revealAt || !obs(x, 'recipe') || x.what?.['recipe'] !== 'lock') continue;
          const event = String(x.what?.['event']);
          if (event === 'acquired') holding.add(x.node ?? 0);
          else holding.delete(x.node ?? 0);
          if (x.t >= askAt) most = Math.max(most, holding.size);
        }
        return q(YES_NO, most >= 2 ? 'yes' : 'no', `at most ${most} client${most === 1 ? '' : 's'} held the lock at once`);
      }
      case 'woken': {
        const first = records.find((x) => x.t >= askAt && obs(x, 'watch'));
        const woken = first === undefined ? [] : records.filter((x) => obs(x, 'watch') && x.what?.['zxid'] === first.what?.['zxid']).map((x) => label(x.node));
        return q(['0', '1', '2'], String(woken.length), woken.length === 0 ? 'no watch fired' : `the delete woke ${woken.join(', ')}`);
      }
    }
  });
}
