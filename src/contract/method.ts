/** The two provisioning methods vdibench compares. */
export const METHODS = ['composer', 'instant-clone'] as const;
export type Method = (typeof METHODS)[number];
