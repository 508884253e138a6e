/** A button over the toolkit's button: primary or secondary, with a click handler. */
import { registerComponents, TAGS } from './toolkit';

export interface ButtonOptions {
  label: string;
  /** Default 'primary'. */
  appearance?: 'primary' | 'secondary';
  disabled?: boolean;
  title?: string;
  onClick: () => void;
}

export function createButton(o: ButtonOptions): HTMLElement {
  registerComponents();
  const button = document.createElement(TAGS.button);
  button.textContent = o.label;
  button.setAttribute('appearance', o.appearance ?? 'primary');
  if (o.title) button.title = o.title;
  setButtonDisabled(button, o.disabled ?? false);
  button.addEventListener('click', () => {
    if (!button.hasAttribute('disabled')) o.onClick();
  });
  return button;
}

/** Enables or disables a button made by createButton. */
export function setButtonDisabled(button: HTMLElement, disabled: boolean): void {
  button.toggleAttribute('disabled', disabled);
}
