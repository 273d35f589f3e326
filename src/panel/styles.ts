import { css } from 'lit';

/** Shared look: Home Assistant's variables (defaults in index.html), cards, buttons, focus rings. */
export const shared = css`
  :host {
    display: block;
    color: var(--primary-text-color);
  }
  h2 {
    font-size: 1.05rem;
    font-weight: 500;
    margin: 0 0 0.6rem;
  }
  .card {
    background: var(--card-background-color);
    border: 1px solid var(--divider-color);
    border-radius: 12px;
    padding: 0.9rem 1rem;
    min-width: 0;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr));
    gap: 1rem;
  }
  button,
  select,
  input,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    background: var(--primary-color);
    color: #fff;
    border: 0;
    border-radius: 6px;
    padding: 0.4rem 0.8rem;
    cursor: pointer;
  }
  button.secondary {
    background: transparent;
    color: var(--primary-text-color);
    border: 1px solid var(--divider-color);
  }
  button.danger {
    background: var(--error-color);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  input,
  select,
  textarea {
    background: var(--secondary-background-color);
    border: 1px solid var(--divider-color);
    border-radius: 6px;
    padding: 0.4rem;
    min-width: 0;
  }
  :focus-visible {
    outline: 2px solid var(--primary-color);
    outline-offset: 2px;
  }
  ul.plain {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  ul.plain > li {
    padding: 0.45rem 0;
    border-bottom: 1px solid var(--divider-color);
  }
  ul.plain > li:last-child {
    border-bottom: 0;
  }
  .muted {
    color: var(--secondary-text-color);
    font-size: 0.9em;
  }
  .ok {
    color: var(--success-color);
  }
  .bad,
  .status-error,
  .status-denied,
  .status-interrupted {
    color: var(--error-color);
  }
  .status-ok {
    color: var(--success-color);
  }
  .status-pending_confirmation {
    color: var(--warning-color);
  }
  .row {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    flex-wrap: wrap;
  }
  code,
  pre {
    font-family: ui-monospace, monospace;
    font-size: 0.85em;
    overflow-wrap: anywhere;
    white-space: pre-wrap;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
  }
`;
