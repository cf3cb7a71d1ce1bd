/** The end of a UUID, enough to tell ids apart on screen (a UUIDv7 starts with its creation time, shared by neighbours). */
export const shortId = (id: string): string => `…${id.slice(-8)}`;
