/**
 * A scrape parsed by a Prometheus text-format parser (parse-prometheus-text-format, which also
 * rejects a malformed line), and the one sample a test asks for. That parser folds the series of a
 * labelled histogram into one and drops their counts and sums (1.1.1, seen here), so `histogram`
 * reads a labelled histogram's own lines, after the parser has accepted the whole text.
 */
import parsePrometheusTextFormat, {
  type ParsedFamily,
  type ParsedSample,
} from 'parse-prometheus-text-format';

export interface HistogramSeries {
  readonly count: number;
  readonly sum: number;
  /** Cumulative count by upper bound (`le`). */
  readonly buckets: ReadonlyMap<string, number>;
}

export class Scrape {
  readonly families: ReadonlyMap<string, ParsedFamily>;

  constructor(readonly text: string) {
    this.families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
  }

  /** One series of a histogram, by its labels (without `le`). */
  histogram(name: string, labels: Readonly<Record<string, string>>): HistogramSeries {
    if (this.family(name).type !== 'HISTOGRAM') throw new Error(`${name} is not a histogram`);
    const buckets = new Map<string, number>();
    let count = Number.NaN;
    let sum = Number.NaN;
    for (const line of this.text.split('\n')) {
      const sample = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
      if (!sample) continue;
      const [, series, labelText, value] = sample as unknown as [string, string, string, string];
      const found = Object.fromEntries(
        [...labelText.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!]),
      );
      if (!Object.entries(labels).every(([key, wanted]) => found[key] === wanted)) continue;
      if (series === `${name}_bucket`) buckets.set(found.le!, Number(value));
      else if (series === `${name}_count`) count = Number(value);
      else if (series === `${name}_sum`) sum = Number(value);
    }
    return { count, sum, buckets };
  }

  family(name: string): ParsedFamily {
    const family = this.families.get(name);
    if (!family) throw new Error(`no metric ${name} in the scrape`);
    return family;
  }

  /** The sample of `name` whose labels include `labels`. */
  sample(name: string, labels: Readonly<Record<string, string>> = {}): ParsedSample | undefined {
    return this.family(name).metrics.find((sample) =>
      Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
    );
  }

  /** Its value as a number (NaN when absent). */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number {
    return Number(this.sample(name, labels)?.value ?? Number.NaN);
  }
}
