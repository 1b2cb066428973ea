/**
 * The timeout of the tests that run the driver with its fake tools as processes: 1-2.5 s each on an idle machine,
 * past jest's 5 s default on a loaded CI machine (a host test beside them). Each such file sets it at its top.
 */
export const PROCESS_TEST_TIMEOUT_MS = 30_000;
