/**
 * Historical markings (Stanley & Miikkulainen 2002, Sec. 3.2). Every new structure gets the next global
 * number; the same mutation arising twice in one generation gets the same number, so identical
 * structures line up in crossover instead of counting as disjoint.
 */
export class InnovationTracker {
  private nextInnovation: number;
  private nextNode: number;
  private connectionsThisGeneration = new Map<string, number>();
  private splitsThisGeneration = new Map<number, { node: number; into: number; out: number }>();

  constructor(firstInnovation: number, firstNode: number) {
    this.nextInnovation = firstInnovation;
    this.nextNode = firstNode;
  }

  /** Innovation number for a new connection from → to. */
  connection(from: number, to: number): number {
    const key = `${from}>${to}`;
    let innovation = this.connectionsThisGeneration.get(key);
    if (innovation === undefined) {
      innovation = this.nextInnovation++;
      this.connectionsThisGeneration.set(key, innovation);
    }
    return innovation;
  }

  /** Node id and the two connection innovations for splitting the connection `innovation` (add-node). */
  split(innovation: number): { node: number; into: number; out: number } {
    let split = this.splitsThisGeneration.get(innovation);
    if (!split) {
      split = { node: this.nextNode++, into: this.nextInnovation++, out: this.nextInnovation++ };
      this.splitsThisGeneration.set(innovation, split);
    }
    return split;
  }

  /** Called once per generation: structures from later generations are new innovations. */
  nextGeneration(): void {
    this.connectionsThisGeneration.clear();
    this.splitsThisGeneration.clear();
  }
}
