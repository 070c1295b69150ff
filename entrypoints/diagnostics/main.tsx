import { render } from 'preact';
import { MarkdownPage } from '@/components/MarkdownPage';
import { parseMarkdown } from '@/lib/view/markdown';
import source from '@/docs/diagnostics.md?raw';
import '@/components/panel.css';

// The diagnostics reference, bundled: problems in the panel link here by #RULE_ID.
const root = document.getElementById('app');
if (root) {
  render(<MarkdownPage blocks={parseMarkdown(source)} />, root);
  const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  target?.scrollIntoView();
}
