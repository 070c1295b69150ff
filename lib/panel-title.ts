/** The DevTools panel's title (tests open the panel by it). */
export const PANEL_TITLE = 'Sessions';
