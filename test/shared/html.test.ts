import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attributes, escapeHtml, serializeJsonForScript } from '../../runtime/shared/html.ts';

test('serializeJsonForScript() - a value containing </script> - cannot close the element (security)', () => {
  const text = serializeJsonForScript({ imports: { '</script><script>alert(1)</script>': 'https://x/<!--' } });
  assert.ok(!text.includes('<'), text);
  assert.ok(!text.includes('>'), text);
  assert.deepEqual(JSON.parse(text), { imports: { '</script><script>alert(1)</script>': 'https://x/<!--' } });
});

test('serializeJsonForScript() - line and paragraph separators - are escaped and round-trip', () => {
  const text = serializeJsonForScript({ a: '\u2028\u2029&' });
  assert.ok(!/[\u2028\u2029&]/.test(text));
  assert.deepEqual(JSON.parse(text), { a: '\u2028\u2029&' });
});

test('escapeHtml() - markup and both quote kinds - become entities (security)', () => {
  assert.equal(escapeHtml(`<a href="x" onclick='y'>&</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('attributes() - a hostile value - stays inside its quotes (security)', () => {
  assert.equal(
    attributes({ href: '" onerror="alert(1)', defer: true, async: false, nonce: undefined }),
    ' href="&quot; onerror=&quot;alert(1)" defer',
  );
});
