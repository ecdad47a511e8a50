/** @goalbridge/plannr — work in progress. */
export const PROVIDER = 'plannr';
