// The studio page's own panels, drawn after the viewer: at the cursor, each server's log tail and
// data and each client's pending calls; the fork panel (interventions on the messages in flight and
// on the servers, run as a branch); and the list of branches, each compared with the original and
// exportable as a capsule. Everything it shows comes from a StudioSession (session.ts).
import { button, byId, el, secs, type StudioElement } from './dom.js';
import { describeIntervention, type Intervention, type StudioFork } from './fork.js';
import type { RunView } from './run-view.js';
import type { Branch, BranchRunning, StudioSession } from './session.js';

/** What the viewer lends the studio: its cursor. */
export interface ViewerApi {
  setMoment(t: number): void;
  moment(): number;
  scrollTop(): number;
  /** The viewer is being replaced (drawn again on a fuller model): it stops playing and drawing. */
  dispose(): void;
}

/** What the page (main.ts) does for the panels: start a branch and show it, or show another run. */
export interface StudioHost {
  /** Starts a branch, shows its first window at once and simulates the rest in slices; `painted` resolves once that window is on screen. */
  startBranch(fork: StudioFork, name?: string): BranchStarted;
  /** Shows a run in the viewer and the panels: 0 the original, else a branch by id. */
  show(id: number): void;
}

export interface BranchStarted {
  readonly id: number;
  /** performance.now() just after the frame that first showed the branch. */
  readonly painted: Promise<number>;
  /** performance.now() once the whole branch is simulated, compared and listed. */
  readonly done: Promise<number>;
}

export class StudioUi {
  private readonly session: StudioSession;
  private readonly view: RunView;
  /** The run the viewer and the panels show: 0 the original, else a branch's id. */
  private readonly viewing: number;
  private readonly viewer: ViewerApi;
  private readonly host: StudioHost;
  private pending: Intervention[] = [];
  private readonly listeners: ((t: number) => void)[] = [];

  constructor(session: StudioSession, view: RunView, viewing: number, viewer: ViewerApi, host: StudioHost) {
    this.session = session;
    this.view = view;
    this.viewing = viewing;
    this.viewer = viewer;
    this.host = host;
  }

  label(node: number): string {
    return this.session.model.lanes.find((l) => l.id === node)?.label ?? `n${node}`;
  }

  /** Called by the viewer whenever the cursor moves. */
  onMoment(t: number): void {
    this.drawServers(t);
    this.drawClients(t);
    this.drawFork(t);
    for (const l of this.listeners) l(t);
  }

  listen(listener: (t: number) => void): void {
    this.listeners.push(listener);
  }

  private drawServers(t: number): void {
    const box = byId('server-detail');
    const rows: StudioElement[] = [];
    for (const d of this.view.serversAt(t)) {
      const item = el('div', { class: 'srv', 'data-node': d.node });
      item.appendChild(el('b', null, this.label(d.node)));
      if (d.down) {
        item.appendChild(el('span', { class: 'muted' }, ' down'));
        rows.push(item);
        continue;
      }
      const log = el('div', { class: 'log', 'data-log': d.node });
      log.appendChild(el('span', { class: 'muted' }, 'log '));
      if (d.log.length === 0) log.appendChild(el('span', { class: 'muted' }, '(empty)'));
      for (const e of d.log) log.appendChild(el('span', { class: e.committed ? 'txn committed' : 'txn' }, `${e.zxid} ${e.body}`));
      item.appendChild(log);
      const data = el('div', { class: 'data', 'data-data': d.node });
      data.appendChild(el('span', { class: 'muted' }, 'data '));
      data.appendChild(el('span', null, d.data.length === 0 ? '(empty)' : d.data.join(', ') + (d.moreData > 0 ? ` … ${d.moreData} more` : '')));
      item.appendChild(data);
      rows.push(item);
    }
    if (rows.length === 0) rows.push(el('p', { class: 'muted' }, 'no servers yet'));
    box.replaceChildren(...rows);
  }

  private drawClients(t: number): void {
    const box = byId('client-pending');
    const pending = this.view.pendingAt(t);
    const items = pending.map((p) =>
      el('li', { 'data-client': p.client }, `${this.label(p.client)}: ${p.op} (xid ${p.xid}) at ${this.label(p.server)}, waiting since ${secs(p.since)}`),
    );
    if (items.length === 0) items.push(el('li', { class: 'muted' }, 'no client is waiting'));
    box.replaceChildren(...items);
    box.setAttribute('data-total', String(pending.length));
  }

  private drawFork(t: number): void {
    const box = byId('fork');
    if (this.viewing !== 0) {
      // A fork is a moment of the original run and interventions there, so it is made on the original.
      const name = this.session.branches.find((b) => b.id === this.viewing)?.name ?? this.session.running.get(this.viewing)?.name ?? '';
      box.replaceChildren(
        el('p', null, `Viewing ${name}, which leaves the original just after its fork moment. Forks are made on the original.`),
        button('back to the original', { 'data-view': 0 }, () => this.host.show(0)),
      );
      return;
    }
    const parts: StudioElement[] = [
      el('p', null, `Change what happens just after ${secs(t)}; the branch re-runs from the start to here, then goes its own way.`),
    ];
    const msgs = el('ul', { class: 'fork-msgs' });
    const flying = this.session.inFlightAt(t).filter((m) => !m.msg.startsWith('PING'));
    for (const m of flying.slice(0, 40)) {
      const li = el('li', { 'data-msg': `${m.from}>${m.to} ${m.msg}` }, `${this.label(m.from)}→${this.label(m.to)} ${m.msg} `);
      li.appendChild(button('drop', { 'data-fork': 'drop' }, () => this.add({ kind: 'drop', from: m.from, to: m.to, sentUs: m.sentUs, msg: m.msg })));
      li.appendChild(
        button('duplicate', { 'data-fork': 'duplicate' }, () => this.add({ kind: 'duplicate', from: m.from, to: m.to, sentUs: m.sentUs, msg: m.msg })),
      );
      msgs.appendChild(li);
    }
    if (flying.length === 0) msgs.appendChild(el('li', { class: 'muted' }, 'no message in flight (heartbeats aside)'));
    parts.push(el('h4', null, 'Messages in flight'), msgs);
    const servers = el('div', { class: 'fork-servers' });
    const sel = el('select', { 'data-fork': 'server', 'aria-label': 'server' });
    for (const lane of this.session.model.lanes)
      if (lane.kind !== 'client' && lane.kind !== 'other') sel.appendChild(el('option', { value: lane.id }, lane.label));
    servers.appendChild(sel);
    for (const kind of ['crash', 'pause', 'resume', 'restart', 'wipe'] as const)
      servers.appendChild(button(kind, { 'data-fork': kind }, () => this.add({ kind, node: Number(sel.value) })));
    const groups = el('input', { type: 'text', 'data-fork': 'groups', placeholder: '1 2 | 3 4 5', size: 12, 'aria-label': 'partition groups' });
    servers.appendChild(groups);
    servers.appendChild(button('partition', { 'data-fork': 'partition' }, () => this.addPartition(groups.value)));
    servers.appendChild(button('heal', { 'data-fork': 'heal' }, () => this.add({ kind: 'heal' })));
    parts.push(el('h4', null, 'Servers and network'), servers);
    const planned = el('ol', { class: 'fork-plan', id: 'fork-plan' });
    for (const i of this.pending) planned.appendChild(el('li', null, describeIntervention(i)));
    parts.push(el('h4', null, 'This branch'), planned);
    const name = el('input', {
      type: 'text',
      'data-fork': 'name',
      placeholder: `branch ${this.session.branches.length + 1}`,
      size: 14,
      'aria-label': 'branch name',
    });
    parts.push(name);
    const run = button('run branch', { 'data-fork': 'run' }, () => this.runBranch(name.value.trim()));
    run.disabled = this.pending.length === 0;
    parts.push(
      run,
      button('clear', { 'data-fork': 'clear' }, () => this.clear()),
    );
    box.replaceChildren(...parts);
  }

  private add(i: Intervention): void {
    this.pending.push(i);
    this.drawFork(this.viewer.moment());
  }

  private addPartition(text: string): void {
    const groups = text
      .split('|')
      .map((g) =>
        g
          .trim()
          .split(/[\s,]+/)
          .filter((x) => x !== '')
          .map(Number),
      )
      .filter((g) => g.length > 0 && g.every((x) => Number.isInteger(x) && x > 0));
    if (groups.length >= 2) this.add({ kind: 'partition', groups });
  }

  private clear(): void {
    this.pending = [];
    this.drawFork(this.viewer.moment());
  }

  /** Runs the planned interventions as a branch at the cursor, and shows it (its first window at once, the rest as it is simulated). */
  runBranch(name: string): BranchStarted | null {
    if (this.pending.length === 0) return null;
    const fork: StudioFork = { atUs: this.viewer.moment(), interventions: this.pending };
    this.pending = [];
    return this.host.startBranch(fork, name === '' ? undefined : name);
  }

  /** Forks at a given moment with given interventions, and shows the branch (tests and the bench). */
  forkAt(atUs: number, interventions: readonly Intervention[], name?: string): BranchStarted {
    return this.host.startBranch({ atUs, interventions }, name);
  }

  drawBranches(): void {
    const box = byId('branches');
    const o = this.session.run;
    const items: StudioElement[] = [];
    const viewing = (id: number): string => (id === this.viewing ? ' viewing' : '');
    const all: (Branch | BranchRunning)[] = [...this.session.branches, ...this.session.running.values()].sort((x, y) => x.id - y.id);
    for (const entry of all) {
      if (!('changes' in entry)) {
        // Still being simulated: its outcome is compared once it ends.
        const li = el('li', { class: `branch running${viewing(entry.id)}`, 'data-branch': entry.id });
        const head = el('div', { class: 'branch-head' });
        head.appendChild(el('b', { 'data-branch-name': entry.id }, entry.name));
        head.appendChild(
          el(
            'span',
            { class: 'muted', 'data-branch-progress': entry.id },
            ` at ${secs(entry.fork.atUs)}: ${entry.fork.interventions.map(describeIntervention).join('; ')} (simulating: ${entry.running.events()} kernel events so far)`,
          ),
        );
        if (entry.id !== this.viewing) head.appendChild(button('view', { 'data-view': entry.id }, () => this.host.show(entry.id)));
        li.appendChild(head);
        items.push(li);
        continue;
      }
      const b = entry;
      const c = b.changes;
      const li = el('li', { class: `${c.same ? 'branch same' : 'branch changed'}${viewing(b.id)}`, 'data-branch': b.id, 'data-complete': 1 });
      const head = el('div', { class: 'branch-head' });
      head.appendChild(el('b', { 'data-branch-name': b.id }, b.name));
      head.appendChild(
        el('span', { class: 'muted' }, ` at ${secs(b.fork.atUs)}: ${b.fork.interventions.map(describeIntervention).join('; ')} (${Math.round(b.ms)} ms)`),
      );
      const rename = el('input', { type: 'text', value: b.name, 'data-branch-rename': b.id, size: 12, 'aria-label': 'rename branch' });
      rename.addEventListener('change', () => {
        b.name = rename.value.trim() === '' ? b.name : rename.value.trim();
        this.drawBranches();
      });
      head.appendChild(rename);
      head.appendChild(button('export capsule', { 'data-export': b.id }, () => this.download(b)));
      head.appendChild(button('go to fork', { 'data-goto': b.id }, () => this.viewer.setMoment(b.fork.atUs)));
      head.appendChild(
        b.id === this.viewing
          ? button('view the original', { 'data-view': 0 }, () => this.host.show(0))
          : button('view', { 'data-view': b.id }, () => this.host.show(b.id)),
      );
      li.appendChild(head);
      const table = el('table', { class: 'compare' });
      const row = (what: string, a: string, z: string, key: string): void => {
        const tr = el('tr', { 'data-compare': key, class: a === z ? '' : 'differs' });
        tr.appendChild(el('th', null, what));
        tr.appendChild(el('td', null, a));
        tr.appendChild(el('td', null, z));
        table.appendChild(tr);
      };
      const hr = el('tr');
      for (const h of ['', 'original', b.name]) hr.appendChild(el('th', null, h));
      table.appendChild(hr);
      row('exit code', String(c.exitCode[0]), String(c.exitCode[1]), 'exit');
      const failed = (v: Readonly<Record<string, string>>): string =>
        Object.entries(v)
          .filter(([, x]) => x !== 'ok')
          .map(([k]) => k)
          .join(', ') || 'every checker ok';
      row('verdicts', failed(o.verdicts), failed(b.run.verdicts), 'verdicts');
      const expected = (errors: readonly string[]): string => (errors.length === 0 ? 'all held' : `${errors.length} failed: ${errors[0] ?? ''}`);
      if (this.session.input.kind === 'script')
        row('scenario expectations', expected(o.expectationsFailed), expected(b.run.expectationsFailed), 'expectations');
      row('leader at the end', c.leader[0] === null ? 'none' : this.label(c.leader[0]), c.leader[1] === null ? 'none' : this.label(c.leader[1]), 'leader');
      row('committed txns', String(o.outcome.committed.length), String(b.run.outcome.committed.length), 'committed');
      row(`after the first ${c.commonPrefix} in common`, c.onlyOriginal.join(', ') || '—', c.onlyBranch.join(', ') || '—', 'history');
      row('trace hash', o.hash, b.run.hash, 'hash');
      li.appendChild(table);
      items.push(li);
    }
    if (items.length === 0) items.push(el('li', { class: 'muted' }, 'no branch yet: pick an intervention above and run it'));
    box.replaceChildren(...items);
  }

  private download(b: Branch): void {
    const a = el('a', {
      href: `data:application/json;charset=utf-8,${encodeURIComponent(this.session.capsule(b))}`,
      download: `${b.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.capsule.json`,
    });
    a.hidden = true;
    byId('branches').appendChild(a);
    a.click();
    a.remove();
  }
}
