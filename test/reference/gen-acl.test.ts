// Proves the ACL layer of the generated histories (gen-acl.ts) does its job: it decorates a share of the
// zk histories with ACLs that deny READ to some clients, and auths, and both checkers still find them
// possible; its forbidden-watch-event perturbation makes some impossible, and zabsim and the reference
// then both name the watch-acl rule.
import { expect, test } from 'vitest';
import { generateWithAcls, perturbAcl } from './gen-acl.js';
import { judge } from './compare.js';

test('decorated histories stay possible; forbidden events are found by both checkers alike', () => {
  let decorated = 0;
  let restricted = 0;
  let perturbed = 0;
  let flagged = 0;
  for (let seed = 0; seed < 400; seed++) {
    const h = generateWithAcls(seed);
    if (h.header['serverRelease'] === undefined) continue;
    decorated++;
    if (h.ops.some((o) => JSON.stringify(o.op).includes('"restrictedRead":true'))) restricted++;
    const j = judge(h);
    expect(j.possible, `seed ${seed}: ${j.rule ?? ''}`).toBe(true);
    expect(j.zabsim, `seed ${seed}: ${j.witness ?? ''}`).not.toBe('violated');
    const p = perturbAcl(h, seed);
    if (p === null) continue;
    perturbed++;
    const q = judge(p.history);
    expect(q.cls, `seed ${seed} (${p.note}): zabsim ${q.zabsim}, reference ${String(q.possible)}`).toBe('agree');
    if (q.possible === false && (q.rule ?? '').startsWith('watch-acl')) {
      flagged++;
      expect(q.witness).toContain('grants READ to none');
    }
  }
  expect(decorated).toBeGreaterThan(60);
  expect(restricted).toBeGreaterThan(20);
  expect(perturbed).toBeGreaterThan(15);
  expect(flagged).toBeGreaterThan(3);
}, 300_000);
