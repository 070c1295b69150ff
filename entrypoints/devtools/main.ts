import { browser } from 'wxt/browser';
import { PANEL_TITLE } from '@/lib/panel-title';

// Adds the "Sessions" panel to DevTools; the panel page does the rest.
void browser.devtools.panels.create(PANEL_TITLE, '/icon/32.png', '/devtools-panel.html');
