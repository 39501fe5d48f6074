#!/usr/bin/python3
"""Mininet side of bench/labs: builds a star (N hosts on one Linux bridge, --switch lxbr, no controller) or a
chain (N hosts in a line, forwarding on, two static routes each so that the ends reach each other), checks it with
one ping, tears it down, and prints "up_ms down_ms". Names carry PREFIX, so nothing clashes with other runs; it never
runs "mn -c" (that would clean up other people's Mininet objects too).
With "pingall" it builds the star and prints the time of Mininet's pingAll() instead (every ordered pair).
Usage: mininet_lab.py star|chain|pingall N PREFIX"""
import sys
import time

from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.nodelib import LinuxBridge

kind, n, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
setLogLevel('error')


def net_of(i):  # link i of the chain: 10.(100 + i/250).(i%250).0/24, as bench/gen-chain
    return '10.%d.%d' % (100 + i // 250, i % 250)


t0 = time.time()
net = Mininet(topo=None, controller=None, switch=LinuxBridge, build=False, autoSetMacs=False)
if kind in ('star', 'pingall'):
    sw = net.addSwitch(prefix + 's1')
    hosts = [net.addHost('h%d' % i, ip='10.200.%d.%d/16' % (i // 250, i % 250 + 1)) for i in range(1, n + 1)]
    for h in hosts:
        net.addLink(h, sw)
    net.build()
    sw.start([])
    target = '10.200.0.3'
else:
    hosts = [net.addHost('n%d' % i, ip=None) for i in range(1, n + 1)]
    for i in range(1, n):
        net.addLink(hosts[i - 1], hosts[i], intfName1='n%d-right' % i, intfName2='n%d-left' % (i + 1))
    net.build()
    for i, h in enumerate(hosts, start=1):
        cmds = ['sysctl -qw net.ipv4.ip_forward=1']
        if i > 1:
            cmds.append('ip addr add %s.2/24 dev n%d-left' % (net_of(i - 1), i))
        if i < n:
            cmds.append('ip addr add %s.1/24 dev n%d-right' % (net_of(i), i))
            cmds.append('ip route add default via %s.2' % net_of(i))
        if i > 2:
            cmds.append('ip route add %s.0/24 via %s.1' % (net_of(1), net_of(i - 1)))
        h.cmd('; '.join(cmds))
    target = '%s.2' % net_of(min(n, 60) - 1)  # a TTL of 64 ends longer paths
t1 = time.time()
if kind == 'pingall':
    loss = net.pingAll(timeout=1)
    t2 = time.time()
    net.stop()
    print('%d %d' % ((t2 - t1) * 1000, loss))
    sys.exit(0)
out = hosts[0].cmd('ping -c 1 -W 2 %s' % target)
if ' 0% packet loss' not in out:
    net.stop()
    sys.exit('mininet %s %d is not working: %s' % (kind, n, out))
t2 = time.time()
net.stop()
t3 = time.time()
print('%d %d' % ((t1 - t0) * 1000, (t3 - t2) * 1000))
