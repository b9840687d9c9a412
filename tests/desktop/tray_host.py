#!/usr/bin/env python3
"""The desktop panel's side of the tray, for the desktop test: what a panel's system tray does
over D-Bus, since Xvfb has no panel. Apps publish tray icons as StatusNotifierItems with a
DBusMenu; a panel watches for them, draws the icon and sends menu clicks back.

  tray_host.py watch          -> owns org.kde.StatusNotifierWatcher; prints one JSON line
                                 {"bus","path"} per item that registers; runs until killed
  tray_host.py show BUS PATH  -> JSON {"icon": file or name, "items": [{"id","label","checked"}]}
  tray_host.py click BUS PATH LABEL
                              -> sends the menu item labelled LABEL a "clicked" event
"""
import json
import sys
import time

from gi.repository import Gio, GLib

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_XML = """
<node><interface name="org.kde.StatusNotifierWatcher">
  <method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
  <method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
  <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
  <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
  <property name="ProtocolVersion" type="i" access="read"/>
  <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
</interface></node>
"""


def watch():
    items = []
    node = Gio.DBusNodeInfo.new_for_xml(WATCHER_XML)

    def on_call(conn, sender, path, iface, method, params, invocation):
        if method == "RegisterStatusNotifierItem":
            service = params.unpack()[0]
            # An item may give its object path instead of a bus name (then it is the sender).
            bus, item_path = (sender, service) if service.startswith("/") else (service, "/StatusNotifierItem")
            items.append(f"{bus}{item_path}")
            print(json.dumps({"bus": bus, "path": item_path}), flush=True)
            conn.emit_signal(None, path, WATCHER, "StatusNotifierItemRegistered", GLib.Variant("(s)", (service,)))
        invocation.return_value(None)

    def on_get(conn, sender, path, iface, prop):
        return {
            "RegisteredStatusNotifierItems": GLib.Variant("as", items),
            "IsStatusNotifierHostRegistered": GLib.Variant("b", True),
            "ProtocolVersion": GLib.Variant("i", 0),
        }[prop]

    def on_bus(conn, name):
        conn.register_object("/StatusNotifierWatcher", node.interfaces[0], on_call, on_get, None)

    Gio.bus_own_name(Gio.BusType.SESSION, WATCHER, Gio.BusNameOwnerFlags.NONE, on_bus, None, None)
    GLib.MainLoop().run()


def bus():
    return Gio.bus_get_sync(Gio.BusType.SESSION, None)


def call(dest, path, iface, method, args, reply):
    return bus().call_sync(dest, path, iface, method, args, GLib.VariantType(reply), Gio.DBusCallFlags.NONE, 5000, None).unpack()


def item_property(dest, path, name):
    return call(dest, path, "org.freedesktop.DBus.Properties", "Get",
                GLib.Variant("(ss)", ("org.kde.StatusNotifierItem", name)), "(v)")[0]


def menu_items(dest, path):
    menu = item_property(dest, path, "Menu")
    layout = call(dest, menu, "com.canonical.dbusmenu", "GetLayout",
                  GLib.Variant("(iias)", (0, -1, [])), "(u(ia{sv}av))")[1]
    items = []

    def walk(node):
        item_id, props, children = node
        if "label" in props:
            items.append({
                "id": item_id,
                "label": props["label"].replace("_", ""),
                "checked": props.get("toggle-state", 0) == 1,
            })
        for child in children:
            walk(child)

    walk(layout)
    return menu, items


def show(dest, path):
    _, items = menu_items(dest, path)
    print(json.dumps({"icon": item_property(dest, path, "IconName"), "items": items}))


def click(dest, path, label):
    menu, items = menu_items(dest, path)
    matches = [i for i in items if i["label"] == label]
    if not matches:
        sys.exit(f"no menu item {label!r} among {[i['label'] for i in items]}")
    call(dest, menu, "com.canonical.dbusmenu", "Event",
         GLib.Variant("(isvu)", (matches[0]["id"], "clicked", GLib.Variant("s", ""), int(time.time()))), "()")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "watch":
        watch()
    elif command == "show":
        show(sys.argv[2], sys.argv[3])
    elif command == "click":
        click(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(f"unknown command {command}")
