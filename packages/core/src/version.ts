/** The published version of @goalbridge/core; a test keeps it equal to package.json. */
export const VERSION = '0.1.0';
