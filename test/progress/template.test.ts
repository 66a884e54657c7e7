import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadProgressTemplate, PROGRESS_TEMPLATE_PATH } from '../../src/progress/load-template.js';
import { fill, placeholders, TemplateError } from '../../src/progress/template.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SECTIONS = ['goal', 'overall', 'spend', 'generated', 'tasks', 'workers', 'decisions', 'removed', 'totals'];

describe('progress template', () => {
  it('fills placeholders, spaces allowed', () => {
    assert.equal(fill('# {{goal}}\n{{ tasks }}', { goal: 'G', tasks: 'T' }), '# G\nT');
  });

  it('throws on an unknown placeholder, naming every one', () => {
    assert.throws(
      () => fill('{{goal}} {{taks}} {{Goal}} {{taks}}', { goal: 'g' }),
      (err: unknown) => {
        assert.ok(err instanceof TemplateError);
        assert.deepEqual(err.unknown, ['taks', 'Goal']);
        assert.match(err.message, /\{\{taks\}\}/);
        return true;
      },
    );
    assert.throws(() => fill('{{constructor}}', {}), TemplateError, 'inherited keys are not values');
  });

  it('does not expand placeholders that appear inside values', () => {
    assert.equal(fill('{{a}}|{{b}}', { a: '{{b}}', b: '{{nope}}' }), '{{b}}|{{nope}}');
  });

  it('ships a template that uses every section exactly once', () => {
    const text = readFileSync(path.join(ROOT, 'templates/progress.md'), 'utf8');
    assert.deepEqual([...placeholders(text)].sort(), [...SECTIONS].sort());
    for (const name of SECTIONS) assert.equal(text.split(`{{${name}}}`).length, 2, name);
  });

  it('loads the template from the package root and caches it', () => {
    assert.equal(PROGRESS_TEMPLATE_PATH, path.join(ROOT, 'templates', 'progress.md'));
    const a = loadProgressTemplate();
    assert.equal(a, readFileSync(PROGRESS_TEMPLATE_PATH, 'utf8'));
    assert.equal(loadProgressTemplate(), a);
  });
});
