/** @goalbridge/capillary — work in progress. */
export const PROVIDER = 'capillary';
