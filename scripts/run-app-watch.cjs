// run-app.cjs's watchdog, a worker thread: if the bundle's modules (the config among them) have not finished
// loading after `seconds`, it writes one line (naming the file and line the main thread is at, when the in-process
// inspector can pause it to see) and ends the main thread's JavaScript; run-app.cjs set the exit code, 1, for that
// case. A synchronous endless loop leaves the main thread no turn to time itself out; a worker still has one.
'use strict';
const { writeSync } = require('node:fs');
const { setTimeout } = require('node:timers');
const { workerData } = require('node:worker_threads');
const { sourcePosition } = require('./run-app-source.cjs');

const { seconds, bundle, root, entry } = workerData;
/** How long the inspector gets to say where the main thread is, then to end it, before the process is killed. */
const GRACE_MS = 1000;

function report(where) {
  const at = where === undefined ? '' : ` (still running ${where})`;
  writeSync(
    2,
    `error: the modules of ${entry} did not finish loading in ${seconds} s${at}: ` +
      'a module that never finishes, such as an endless loop in config/environments.ts\n',
  );
}

/** The in-process inspector, connected to the main thread; undefined in a Node built without it. */
function mainThreadSession() {
  try {
    const session = new (require('node:inspector').Session)();
    session.connectToMainThread();
    return session;
  } catch {
    return undefined;
  }
}

function stopMainThread() {
  const session = mainThreadSession();
  if (session === undefined) {
    report(undefined);
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  let reported = false;
  const end = (where) => {
    if (reported) return;
    reported = true;
    report(where);
    session.post('Debugger.resume');
    session.post('Runtime.terminateExecution');
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), GRACE_MS).unref();
  };
  session.on('Debugger.paused', ({ params }) => {
    const top = params.callFrames.find((f) => f.url.endsWith(bundle)) ?? params.callFrames[0];
    end(top && sourcePosition(bundle, root, top.location.lineNumber, top.location.columnNumber));
  });
  session.post('Debugger.enable', () => session.post('Debugger.pause'));
  setTimeout(() => end(undefined), GRACE_MS);
}

setTimeout(stopMainThread, seconds * 1000);
