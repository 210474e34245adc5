# Runs a command under a pseudo-terminal and follows a script of actions, for tests of what the CLI
# does on a real terminal. argv[1] is a JSON list of actions, the rest is the command. Actions:
#   {"expect": TEXT, "within": SECONDS}  read until TEXT appears in the output (fails if it does not)
#   {"quiet": TEXT, "for": SECONDS}      read for a while; TEXT must not appear (the program waits)
#   {"alive": true}                      the program must still be running
#   {"send": TEXT}                       type TEXT at the terminal ("\r" is Enter)
#   {"exit": SECONDS}                    the program must end within SECONDS; its exit status is kept
# Prints one JSON object: {"ok", "failed" (the action that failed, or null), "status", "output"}.
import json, os, pty, select, signal, sys, time

actions = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])

out = b""
mark = 0  # "expect" and "quiet" look at output after the last matched expectation
status = None


def pump(seconds, until=None):
    global out
    end = time.time() + seconds
    while until is None or until.encode() not in out[mark:]:
        left = end - time.time()
        if left <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return until is None
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            return until is None
        if not chunk:
            return until is None
        out += chunk
    return True


failed = None
for action in actions:
    if "expect" in action:
        if not pump(action.get("within", 60), action["expect"]):
            failed = action
            break
        mark = out.index(action["expect"].encode(), mark) + len(action["expect"])
    elif "quiet" in action:
        pump(action["for"])
        if action["quiet"].encode() in out[mark:]:
            failed = action
            break
    elif "alive" in action:
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            failed = action
            status = -1
            break
    elif "send" in action:
        os.write(fd, action["send"].encode())
    elif "exit" in action:
        end = time.time() + action["exit"]
        while time.time() < end:
            pump(0.2)
            done, code = os.waitpid(pid, os.WNOHANG)
            if done != 0:
                status = os.waitstatus_to_exitcode(code)
                break
        if status is None:
            failed = action
            break

if status is None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
print(json.dumps({"ok": failed is None, "failed": failed, "status": status, "output": out.decode("utf8", "replace")}))
