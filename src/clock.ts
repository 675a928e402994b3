/** The real clock: the default `now` of every option that takes one. Compared by identity to skip work. */
export const systemClock = (): Date => new Date();
