/**
 * The Inspector page's DOM: the input column on the left and the tabs on the right. Tabs that depend on the
 * input are refreshed when shown after the input changed (so a new image costs one tab's work, not seven).
 */
import type { RunInfo } from '../../src/protocol/inspect';
import { ActivationMaxTab } from './activationMaxTab';
import { AttributionTab } from './attributionTab';
import { AugmentTab } from './augmentTab';
import type { InputResult, Tab, TabContext } from './context';
import type { InspectorController, InspectorView } from './controller';
import { el, statusLine } from './dom';
import { EmbeddingsTab } from './embeddingsTab';
import { FeatureMapsTab } from './featureMapsTab';
import { FiltersTab } from './filtersTab';
import { GradCamTab } from './gradCamTab';
import { GuidedTab } from './guidedTab';
import { InputPane } from './inputPane';
import { LatentTab } from './latentTab';
import { PlaygroundTab } from './playgroundTab';
import { ReceptiveFieldTab } from './receptiveFieldTab';

export class InspectorPage implements InspectorView {
  private controller: InspectorController | undefined;
  private tabs: Tab[] = [];
  private featureMaps: FeatureMapsTab | undefined;
  private active = 0;
  private readonly stale = new Set<Tab>();
  private current: InputResult | undefined;
  private readonly loading = statusLine();

  constructor(private readonly root: HTMLElement) {
    root.replaceChildren(el('div', 'empty', 'Opening the run…'), this.loading.element);
  }

  attach(controller: InspectorController): void {
    this.controller = controller;
  }

  showRun(info: RunInfo): void {
    if (!this.controller) return;
    const ctx: TabContext = { controller: this.controller, info, input: () => this.current };
    this.featureMaps = new FeatureMapsTab(ctx);
    this.tabs = [this.featureMaps, new FiltersTab(ctx), new AttributionTab(ctx), new GradCamTab(ctx), new GuidedTab(ctx), new ReceptiveFieldTab(ctx), new ActivationMaxTab(ctx), new EmbeddingsTab(ctx), ...(info.latentPlane ? [new LatentTab(ctx)] : []), new AugmentTab(ctx), new PlaygroundTab(ctx)];
    this.tabs.forEach((t) => this.stale.add(t));
    const input = new InputPane(this.controller, info, (r) => this.onInput(r));
    const notices = info.notices.map((n) => el('div', 'notice', n));
    const header = el('header', 'header', el('h1', '', info.model), el('div', 'subtitle', `${info.runDir} · ${info.checkpoint}/ weights · ${info.backend}`), ...notices);
    const tabBar = el('nav', 'tab-bar');
    const body = el('div', 'tab-body');
    this.tabs.forEach((tab, i) => {
      const b = el('button', 'tab-button', tab.title);
      b.type = 'button';
      b.addEventListener('click', () => this.select(i, tabBar, body));
      tabBar.append(b);
    });
    this.root.replaceChildren(header, el('div', 'layout', input.element, el('div', 'tabs', tabBar, body)));
    this.select(0, tabBar, body);
    input.start();
  }

  showEmpty(message: string): void {
    this.root.replaceChildren(el('div', 'empty', message));
  }

  showLoading(message: string): void {
    this.loading.set(message);
  }

  showLayer(layer: number): void {
    const tabBar = this.root.querySelector<HTMLElement>('.tab-bar');
    const body = this.root.querySelector<HTMLElement>('.tab-body');
    if (!this.featureMaps || !tabBar || !body) return;
    // Before the first input arrives, only choose the layer: the tab draws it when the input comes.
    const draw = this.current !== undefined;
    this.featureMaps.setLayer(layer, draw);
    if (draw) this.stale.delete(this.featureMaps);
    this.select(0, tabBar, body);
  }

  showError(message: string): void {
    this.loading.set(message, true);
  }

  private onInput(input: InputResult): void {
    this.current = input;
    this.tabs.filter((t) => t.needsInput).forEach((t) => this.stale.add(t));
    this.refreshIfStale(this.tabs[this.active]);
  }

  private select(index: number, tabBar: HTMLElement, body: HTMLElement): void {
    this.active = index;
    Array.from(tabBar.children).forEach((b, i) => b.classList.toggle('active', i === index));
    body.replaceChildren(this.tabs[index].element);
    this.refreshIfStale(this.tabs[index]);
  }

  private refreshIfStale(tab: Tab | undefined): void {
    if (!tab || !this.stale.has(tab) || (tab.needsInput && !this.current)) return;
    this.stale.delete(tab);
    tab.refresh();
  }
}
