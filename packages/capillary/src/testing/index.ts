/** @goalbridge/capillary/testing — simulator, work in progress. */
export const SIMULATOR = 'capillary';
