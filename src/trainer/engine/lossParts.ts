/**
 * Means of a loss's parts over a pass (EngineTask.lossParts), each batch weighted by its images as the loss is. A
 * pass where some batch came without its parts (a runner that reports only the loss) has none: a mean over part of
 * the pass would not add up to the loss.
 */
export class LossPartSums {
  private readonly sums = new Map<string, number>();
  private weight = 0;
  private missing = false;

  add(parts: Readonly<Record<string, number>> | undefined, images: number): void {
    if (!parts) {
      this.missing = true;
      return;
    }
    for (const [name, value] of Object.entries(parts)) this.sums.set(name, (this.sums.get(name) ?? 0) + value * images);
    this.weight += images;
  }

  /** The means by name; undefined when the pass had no parts, or not for every batch. */
  means(): Record<string, number> | undefined {
    if (this.missing || this.weight === 0) return undefined;
    return Object.fromEntries([...this.sums].map(([name, sum]) => [name, sum / this.weight]));
  }
}
