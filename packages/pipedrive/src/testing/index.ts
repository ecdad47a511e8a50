/** @goalbridge/pipedrive/testing — simulator, work in progress. */
export const SIMULATOR = 'pipedrive';
