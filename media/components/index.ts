/** Our UI components for webviews; pages import from here, never from the toolkit directly. */
export { createBadge, createTable, type TableColumn, type TableOptions } from './table';
export { createButton, setButtonDisabled, type ButtonOptions } from './button';
