/** Category colours (Tableau 10) of the scatter plots, distinguishable on light and dark backgrounds. */
export const CLASS_PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
