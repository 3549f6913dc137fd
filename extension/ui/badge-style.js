// The badge's stylesheet, put in its shadow root. Colour-blind-safe: each state differs in shape
// (filled diamond / hollow circle / dotted circle) and text, not only in colour; the orange and
// blue are apart for all common colour-vision types. The coordination mark is a square-cornered
// box with "≡" and a number, in purple (dark, apart from the orange and the blue in lightness).
export const BADGE_CSS = `
/* The host has a fixed size (16px square; the negative block margins keep it from making the
   author's line taller: a taller line would move every later post of the thread). It is inserted
   with its post, in the site's own frame, with every look of the mark laid out and hidden, stacked
   in one grid cell; a verdict only makes one look visible (data-verdict on .mark) and sets the
   circle's border style, so it costs the page a repaint but no layout (docs/PERFORMANCE.md). The looks overflow the host to the inline
   end, where the marks were drawn before. */
:host { all: initial; display: inline-block; width: 16px; height: 16px; vertical-align: top; align-self: flex-start;
  margin-inline-start: 4px; margin-block: -4px; line-height: 1; }
.mark { all: unset; box-sizing: border-box; cursor: pointer; display: grid; align-items: start;
  justify-items: start; white-space: nowrap; font: 700 11px/1 system-ui, sans-serif; }
.look { grid-area: 1 / 1; display: flex; align-items: flex-start; visibility: hidden; }
.mark[data-verdict="clear"] .circle, .mark[data-verdict="unknown"] .circle,
.mark[data-verdict="flagged"] .flagged { visibility: visible; }
.dot { box-sizing: border-box; width: 12px; height: 12px; margin-top: 13px; border-radius: 50%;
  border: 2px solid rgba(29,95,191,.7); }
.mark[data-verdict="unknown"] .dot { border: 2px dotted #767676; }
.pill { box-sizing: border-box; display: inline-flex; align-items: center; justify-content: center; min-width: 16px;
  height: 16px; margin-top: 8px; padding: 0 5px; border-radius: 4px; background: #a34700; color: #fff; font-size: 10px; }
.mark:focus-visible { outline: 2px solid #1d5fbf; outline-offset: 2px; }
.coord { flex: none; box-sizing: border-box; display: inline-flex; align-items: center; height: 16px; margin-inline-start: 3px;
  padding: 0 4px; border: 2px solid #6a3d9a; border-radius: 0; background: #f3ecfa; color: #4a2370;
  font: 700 10px/1 system-ui, sans-serif; cursor: pointer; }
.coord[hidden] { display: none; }
/* Where the marks were drawn when the host was an inline-flex box aligned on the name's baseline
   (an empty circle sat on the baseline, a pill with text on its text's baseline); the host now sits
   at the top of the name's line (align-self), so that its content cannot move it. */
.circle .coord { margin-top: 11px; }
.pill + .coord { margin-top: 8px; }
.coord-reasons { padding-inline-start: 0; list-style: none; }
.coord-reasons li { margin: 2px 0; padding: 4px 6px; border-inline-start: 3px solid #6a3d9a; background: #f6f1fb;
  cursor: pointer; }
.coord-reasons li:hover { background: #ece1f7; }
.coord-reasons li:focus-visible { outline: 2px solid #1d5fbf; outline-offset: 1px; }
.coord-others { display: block; color: #444; font-size: 12px; overflow-wrap: anywhere; }
.card { position: fixed; z-index: 2147483647; box-sizing: border-box; width: 300px; max-width: calc(100vw - 16px);
  padding: 12px 14px; border: 1px solid #8a8a8a; border-radius: 10px; background: #fff; color: #161616;
  box-shadow: 0 6px 24px rgba(0,0,0,.25); font: 13px/1.4 system-ui, sans-serif; text-align: start;
  white-space: normal; cursor: auto; }
.card[hidden] { display: none; }
.who { display: flex; flex-wrap: wrap; gap: 4px; align-items: baseline; }
.name { font-weight: 700; overflow-wrap: anywhere; }
.handle { color: #555; }
.summary { margin: 6px 0; font-weight: 600; }
h3 { margin: 8px 0 2px; font-size: 12px; color: #444; text-transform: uppercase; letter-spacing: .03em; }
h3[hidden], p[hidden], button[hidden] { display: none; }
ul { margin: 0; padding-inline-start: 18px; }
.note { margin: 8px 0 0; font-style: italic; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
.actions button { font: 600 12px system-ui, sans-serif; padding: 4px 10px; border-radius: 999px;
  border: 1px solid #1d5fbf; background: #fff; color: #1d5fbf; cursor: pointer; }
.actions button:focus-visible { outline: 2px solid #1d5fbf; outline-offset: 2px; }
.actions button[data-action="flag"] { border-color: #a34700; color: #a34700; }
`;
