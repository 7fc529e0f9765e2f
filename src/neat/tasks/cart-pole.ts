/**
 * Cart-pole dynamics with one or two poles hinged on the cart, as in the neuroevolution literature
 * (Wieland 1991; Gomez & Miikkulainen 1999; the NEAT C++ release): cart 1 kg, poles of half-length 0.5 m
 * and 0.05 m with masses 0.1 kg and 0.01 kg, hinge friction 2e-6, force ±10 N, 0.01 s fourth-order
 * Runge-Kutta steps, two per network action. State: [x, ẋ, θ1, θ̇1, θ2, θ̇2] in m, m/s, rad, rad/s.
 */
export interface PoleSystem {
  /** Half-lengths (m) and masses (kg) of the poles, one or two. */
  readonly poles: readonly { halfLength: number; mass: number }[];
}

const GRAVITY = -9.8;
const CART_MASS = 1.0;
const HINGE_FRICTION = 0.000002;
const FORCE_MAGNITUDE = 10.0;
const TAU = 0.01;
export const TRACK_LIMIT = 2.4;
export const ANGLE_LIMIT = (36 * Math.PI) / 180;

export const DOUBLE_POLE: PoleSystem = { poles: [{ halfLength: 0.5, mass: 0.1 }, { halfLength: 0.05, mass: 0.01 }] };
export const SINGLE_POLE: PoleSystem = { poles: [{ halfLength: 0.5, mass: 0.1 }] };

/** Time derivatives of the state for a force from `action` in [0, 1] (0.5 is no force). */
function derivatives(system: PoleSystem, action: number, s: Float64Array, d: Float64Array): void {
  const force = (action - 0.5) * FORCE_MAGNITUDE * 2;
  let effectiveForce = 0;
  let effectiveMass = 0;
  system.poles.forEach((pole, p) => {
    const theta = s[2 + 2 * p];
    const omega = s[3 + 2 * p];
    const ml = pole.halfLength * pole.mass;
    const friction = (HINGE_FRICTION * omega) / ml;
    effectiveForce += ml * omega * omega * Math.sin(theta) + 0.75 * pole.mass * Math.cos(theta) * (friction + GRAVITY * Math.sin(theta));
    effectiveMass += pole.mass * (1 - 0.75 * Math.cos(theta) ** 2);
  });
  d[0] = s[1];
  d[1] = (force + effectiveForce) / (effectiveMass + CART_MASS);
  system.poles.forEach((pole, p) => {
    const theta = s[2 + 2 * p];
    const friction = (HINGE_FRICTION * s[3 + 2 * p]) / (pole.halfLength * pole.mass);
    d[2 + 2 * p] = s[3 + 2 * p];
    d[3 + 2 * p] = (-0.75 * (d[1] * Math.cos(theta) + GRAVITY * Math.sin(theta) + friction)) / pole.halfLength;
  });
}

/** Mutable simulator; `step` applies one network action (two RK4 steps of 0.01 s). */
export class CartPole {
  readonly state: Float64Array;
  private readonly k = [0, 1, 2, 3].map(() => new Float64Array(6));
  private readonly tmp = new Float64Array(6);

  constructor(
    readonly system: PoleSystem,
    initial: ArrayLike<number>,
  ) {
    this.state = new Float64Array(6);
    this.state.set(Array.from(initial).slice(0, 2 + 2 * system.poles.length));
  }

  step(action: number): void {
    for (let i = 0; i < 2; i++) this.rungeKutta(action);
  }

  private rungeKutta(action: number): void {
    const [k1, k2, k3, k4] = this.k;
    const s = this.state;
    const t = this.tmp;
    const n = 2 + 2 * this.system.poles.length;
    derivatives(this.system, action, s, k1);
    for (let i = 0; i < n; i++) t[i] = s[i] + 0.5 * TAU * k1[i];
    derivatives(this.system, action, t, k2);
    for (let i = 0; i < n; i++) t[i] = s[i] + 0.5 * TAU * k2[i];
    derivatives(this.system, action, t, k3);
    for (let i = 0; i < n; i++) t[i] = s[i] + TAU * k3[i];
    derivatives(this.system, action, t, k4);
    for (let i = 0; i < n; i++) s[i] += (TAU / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }

  failed(limitAngle = ANGLE_LIMIT): boolean {
    const s = this.state;
    if (Math.abs(s[0]) > TRACK_LIMIT) return true;
    for (let p = 0; p < this.system.poles.length; p++) if (Math.abs(s[2 + 2 * p]) > limitAngle) return true;
    return false;
  }
}
