// The lesson box of the studio page: the scenario's narrated steps as a lesson, with its length and
// the student's progress, the narration at the cursor, and before each reveal a question whose
// answer the run itself gives (lessons.ts); a choice is graded at once, with the run's evidence.
import { button, byId, el, secs, type StudioElement } from './dom.js';
import { gradeLesson, type GradedQuestion, type LessonDef } from './lessons.js';
import type { StudioSession } from './session.js';
import type { ViewerApi } from './ui.js';

export class LessonUi {
  private readonly questions: GradedQuestion[];
  private readonly chosen = new Map<number, string>();
  /** The narrated step the student went to with the lesson's buttons (0: none yet). */
  private current = 0;
  private readonly narr: readonly { t: number; label: string; text: string }[];

  readonly lesson: LessonDef;
  private readonly viewer: ViewerApi;

  constructor(lesson: LessonDef, session: StudioSession, viewer: ViewerApi) {
    this.lesson = lesson;
    this.viewer = viewer;
    this.questions = gradeLesson(lesson, session);
    this.narr = session.model.narration;
    byId('lesson-box').hidden = false;
  }

  /** How many questions the student answered right (tests read it). */
  score(): { right: number; answered: number; total: number } {
    let right = 0;
    this.chosen.forEach((choice, i) => {
      if (this.questions[i]?.answer === choice) right++;
    });
    return { right, answered: this.chosen.size, total: this.questions.length };
  }

  draw(t: number): void {
    const box = byId('lesson');
    box.className = 'lesson';
    // Several narrated steps can share a moment (commands that take no time): the one the student
    // went to stays current while the cursor stays there; otherwise the last one at or before it.
    let step = 0;
    for (let i = 0; i < this.narr.length; i++) if ((this.narr[i]?.t ?? Infinity) <= t) step = i + 1;
    if (this.current > 0 && this.narr[this.current - 1]?.t === t) step = this.current;
    const score = this.score();
    byId('lesson-progress').textContent = `${this.lesson.title}`;
    const parts: StudioElement[] = [];
    const progress = el('progress', { max: this.narr.length, value: step, 'aria-label': 'lesson progress' });
    parts.push(progress);
    parts.push(
      el(
        'p',
        { class: 'muted', id: 'lesson-where', 'data-step': step, 'data-steps': this.narr.length },
        `narrated step ${step} of ${this.narr.length} · ${score.answered} of ${score.total} questions answered, ${score.right} right`,
      ),
    );
    const nav = el('div', { class: 'lesson-nav' });
    nav.appendChild(button('◀ previous step', { 'data-lesson': 'prev' }, () => this.go(step - 1)));
    nav.appendChild(button('next narrated step ▶', { 'data-lesson': 'next' }, () => this.go(step + 1)));
    parts.push(nav);
    const now = this.narr[step - 1];
    if (now !== undefined) parts.push(el('p', { class: 'lesson-text' }, now.text));
    this.questions.forEach((q, i) => {
      if (q.askAt > t) return;
      parts.push(this.question(q, i, t));
    });
    box.replaceChildren(...parts);
  }

  private go(step: number): void {
    const k = Math.max(1, Math.min(this.narr.length, step));
    const n = this.narr[k - 1];
    if (n === undefined) return;
    this.current = k;
    if (n.t === this.viewer.moment()) this.draw(n.t);
    else this.viewer.setMoment(n.t);
  }

  private question(q: GradedQuestion, i: number, t: number): StudioElement {
    const div = el('div', { class: 'question', 'data-question': i });
    div.appendChild(el('b', null, `Predict: ${q.def.text}`));
    const choice = this.chosen.get(i);
    if (choice === undefined && t < q.revealAt) {
      const choices = el('div', { class: 'choices' });
      for (const c of q.choices)
        choices.appendChild(
          button(c, { 'data-choice': c }, () => {
            this.chosen.set(i, c);
            this.draw(this.viewer.moment());
          }),
        );
      div.appendChild(choices);
      div.appendChild(el('span', { class: 'muted' }, ` revealed at ${secs(q.revealAt)}`));
      return div;
    }
    if (choice === undefined) div.appendChild(el('p', { class: 'verdict' }, `Revealed: ${q.answer}. The run says: ${q.evidence}.`));
    else if (choice === q.answer) div.appendChild(el('p', { class: 'verdict right' }, `Right: ${q.answer}. The run says: ${q.evidence}.`));
    else div.appendChild(el('p', { class: 'verdict wrong' }, `Not this time: you said ${choice}, the run says ${q.answer}: ${q.evidence}.`));
    div.appendChild(button('show me', { 'data-reveal': i }, () => this.viewer.setMoment(q.revealAt)));
    return div;
  }
}
