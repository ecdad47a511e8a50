/** @goalbridge/plannr/testing — simulator, work in progress. */
export const SIMULATOR = 'plannr';
