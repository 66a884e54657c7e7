// The clock, passed in wherever time decides something, so the daemon's tests can hold it still.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
