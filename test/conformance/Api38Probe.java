// Test-only probe for test/conformance/api38.test.ts: drives ZooKeeper's own Java client (create with a
// Stat = OpCode.create2, a TTL create, multi of reads = OpCode.multiRead, a read/write mix) against the live
// ensemble and prints one line per answer, with zxids relative to the root's czxid.
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

public class Api38Probe {
  private static long base;

  private static String stat(Stat s) {
    if (s == null) return "null";
    return "czxid=" + (s.getCzxid() - base) + " mzxid=" + (s.getMzxid() - base) + " pzxid=" + (s.getPzxid() - base)
        + " version=" + s.getVersion() + " cversion=" + s.getCversion() + " aversion=" + s.getAversion()
        + " ephemeral=" + (s.getEphemeralOwner() != 0) + " dataLength=" + s.getDataLength() + " numChildren=" + s.getNumChildren();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    CountDownLatch up = new CountDownLatch(1);
    ZooKeeper zk = new ZooKeeper(args[0], 10000, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) up.countDown();
    });
    up.await();
    String r = args[1];
    Stat root = new Stat();
    zk.create(r, bytes("root"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, root);
    base = root.getCzxid();
    System.out.println("create2 " + r + " " + stat(root));
    Stat s = new Stat();
    String p = zk.create(r + "/s-", bytes("abc"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL, s);
    System.out.println("create2 " + p + " " + stat(s));
    Stat e = new Stat();
    p = zk.create(r + "/e", bytes(""), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL, e);
    System.out.println("create2 " + p + " " + stat(e));
    try {
      zk.create(r + "/e", bytes(""), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, new Stat());
    } catch (KeeperException ke) {
      System.out.println("create2 error " + ke.code());
    }
    try {
      zk.create(r + "/t", bytes(""), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 5000);
      System.out.println("createTTL ok");
    } catch (KeeperException ke) {
      System.out.println("createTTL error " + ke.code());
    }
    Stat after = new Stat();
    p = zk.create(r + "/after", bytes(""), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, after);
    System.out.println("create2 " + p + " " + stat(after));
    p = r + "/e";
    List<OpResult> reads = zk.multi(Arrays.asList(Op.getData(r), Op.getChildren(r + "/e"), Op.getData(r + "/missing"), Op.getData(p)));
    for (OpResult res : reads) {
      if (res instanceof OpResult.GetDataResult) {
        OpResult.GetDataResult d = (OpResult.GetDataResult) res;
        System.out.println("multiRead getData " + new String(d.getData(), StandardCharsets.UTF_8) + " " + stat(d.getStat()));
      } else if (res instanceof OpResult.GetChildrenResult) {
        System.out.println("multiRead getChildren " + ((OpResult.GetChildrenResult) res).getChildren());
      } else if (res instanceof OpResult.ErrorResult) {
        System.out.println("multiRead error " + KeeperException.Code.get(((OpResult.ErrorResult) res).getErr()));
      }
    }
    try {
      zk.multi(Arrays.asList(Op.create(r + "/m", bytes(""), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT), Op.getData(r)));
      System.out.println("mixed sent");
    } catch (IllegalArgumentException iae) {
      System.out.println("mixed refused");
    }
    List<OpResult> writes = zk.multi(Arrays.asList(Op.create(r + "/m", bytes(""), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)));
    System.out.println("multi create " + ((OpResult.CreateResult) writes.get(0)).getPath() + " " + stat(((OpResult.CreateResult) writes.get(0)).getStat()));
    zk.close();
  }
}
