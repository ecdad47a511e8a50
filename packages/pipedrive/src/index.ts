/** @goalbridge/pipedrive — work in progress. */
export const PROVIDER = 'pipedrive';
