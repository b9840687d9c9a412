#!/usr/bin/env python3
"""X11 facts and actions the desktop test needs and WebDriver cannot give: a window's
geometry and _NET_WM_STATE, asking a window to close the way a window manager does
(WM_DELETE_WINDOW), and holding a global key grab as "another app" would.

  xwin.py info TITLE        -> JSON {"x","y","width","height","state":[...],"mapped"}
  xwin.py close TITLE       -> sends WM_DELETE_WINDOW
  xwin.py watch TITLE       -> waits (up to 20 s) for the window; prints JSON {"mappedAt","paintedAt"}
                               (Unix ms), painted = more than 16 colours on screen
  xwin.py grab KEYS         -> grabs e.g. ctrl+shift+h on the root window, prints "grabbed",
                               and holds it until stdin closes
"""
import json
import sys
import time

from Xlib import X, XK, display, protocol


def wm_name(d, w):
    """The window's title: _NET_WM_NAME (UTF-8, what GTK sets for any title), else WM_NAME."""
    try:
        prop = w.get_full_property(d.intern_atom("_NET_WM_NAME"), d.intern_atom("UTF8_STRING"))
        if prop is not None:
            value = prop.value
            return value.decode("utf-8") if isinstance(value, bytes) else str(value)
        return w.get_wm_name()
    except Exception:
        return None


def find(d, title):
    def walk(w):
        name = wm_name(d, w)
        if name == title:
            return w
        try:
            children = w.query_tree().children
        except Exception:
            return None
        for c in children:
            found = walk(c)
            if found is not None:
                return found
        return None

    w = walk(d.screen().root)
    if w is None:
        sys.exit(f"no window titled {title!r}")
    return w


def info(d, title):
    w = find(d, title)
    root = d.screen().root
    geom = w.get_geometry()
    pos = w.translate_coords(root, 0, 0)
    state_atom = d.intern_atom("_NET_WM_STATE")
    prop = w.get_full_property(state_atom, X.AnyPropertyType)
    state = [d.get_atom_name(a) for a in prop.value] if prop else []
    attrs = w.get_attributes()
    print(json.dumps({
        "x": -pos.x, "y": -pos.y, "width": geom.width, "height": geom.height,
        "state": state, "mapped": attrs.map_state == X.IsViewable,
    }))


def close(d, title):
    w = find(d, title)
    wm_protocols = d.intern_atom("WM_PROTOCOLS")
    delete = d.intern_atom("WM_DELETE_WINDOW")
    event = protocol.event.ClientMessage(window=w, client_type=wm_protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
    w.send_event(event)
    d.flush()


def find_quietly(d, title):
    try:
        return find(d, title)
    except SystemExit:
        return None


def painted(d, w):
    """Whether the window shows real content: a blank or half-drawn one has a few colours."""
    geom = w.get_geometry()
    pos = w.translate_coords(d.screen().root, 0, 0)
    image = d.screen().root.get_image(-pos.x, -pos.y, geom.width, geom.height, X.ZPixmap, 0xFFFFFFFF)
    data = image.data
    colours = {data[i:i + 4] for i in range(0, len(data), 4 * 7)}
    return len(colours) > 16


def watch(d, title):
    t0 = time.monotonic()
    mapped_at = None
    while time.monotonic() - t0 < 20:
        w = find_quietly(d, title)
        if w is not None and w.get_attributes().map_state == X.IsViewable:
            if mapped_at is None:
                mapped_at = round(time.time() * 1000)
            if painted(d, w):
                print(json.dumps({"mappedAt": mapped_at, "paintedAt": round(time.time() * 1000)}))
                return
        time.sleep(0.005)
    sys.exit(f"window {title!r} not painted in 20 s")


def grab(d, keys):
    parts = keys.lower().split("+")
    mods = 0
    for m in parts[:-1]:
        mods |= {"ctrl": X.ControlMask, "shift": X.ShiftMask, "alt": X.Mod1Mask}[m]
    keycode = d.keysym_to_keycode(XK.string_to_keysym(parts[-1]))
    root = d.screen().root
    # The same four lock combinations global-hotkey grabs, so its grab collides with ours.
    for extra in (0, X.Mod2Mask, X.LockMask, X.Mod2Mask | X.LockMask):
        root.grab_key(keycode, mods | extra, True, X.GrabModeAsync, X.GrabModeAsync)
    d.sync()
    print("grabbed", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    d = display.Display()
    {"info": info, "close": close, "watch": watch, "grab": grab}[sys.argv[1]](d, sys.argv[2])
