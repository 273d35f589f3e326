// Looks like Home Assistant: its theme variables are copied from the parent document when the ingress iframe allows
// reading it; otherwise our defaults follow prefers-color-scheme (see the :root rules in styles.ts).

const VARS = [
  '--primary-color',
  '--accent-color',
  '--primary-background-color',
  '--secondary-background-color',
  '--card-background-color',
  '--primary-text-color',
  '--secondary-text-color',
  '--divider-color',
  '--error-color',
  '--warning-color',
  '--success-color',
];

export function adoptHomeAssistantTheme(): boolean {
  let style: CSSStyleDeclaration;
  try {
    if (window.parent === window) return false;
    style = window.parent.getComputedStyle(window.parent.document.documentElement);
  } catch {
    return false;
  }
  let found = false;
  for (const name of VARS) {
    const value = style.getPropertyValue(name).trim();
    if (value) {
      document.documentElement.style.setProperty(name, value);
      found = true;
    }
  }
  return found;
}
