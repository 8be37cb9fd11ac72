/**
 * View Composer linked clones (Horizon 7.x): one replica from the golden image snapshot
 * (offloaded to the storage where VAAI allows), then per desktop a linked clone, QuickPrep
 * customization (boot, customize, shut down), a snapshot, and the final power-on.
 */
import pLimit from 'p-limit';
import { checkNotStopping, internalName, provisionDesktop, type Strategy } from './context.js';

export const composerStrategy: Strategy = async (context) => {
  const { driver, scenario, recorder, desktopNames, created } = context;
  const { horizon } = scenario;
  const vcProvisioning = pLimit(horizon.maxVcProvisioning);
  const composerProvisioning = pLimit(horizon.maxComposerProvisioning);
  const powerOps = pLimit(horizon.maxPowerOps);

  const golden = await driver.goldenImage();
  const replicaSnapshot = await recorder.track('replica', async () => {
    const replica = await vcProvisioning(() => driver.fullClone(golden.snapshot, { name: internalName(context, 'replica'), role: 'replica', allowOffload: true }));
    created.push(replica);
    return driver.snapshot(replica, 'replica');
  });

  await Promise.all(desktopNames.map((name) => provisionDesktop(context, name, async (_attempt, track) => {
    const vm = await recorder.track('clone', () => composerProvisioning(() => {
      checkNotStopping(context);
      return driver.linkedClone(replicaSnapshot, { name, role: 'desktop' });
    }));
    track(vm);
    recorder.desktop(name, vm.host, 'cloned');
    await recorder.track('customize', async () => {
      await powerOps(() => driver.powerOn(vm));
      await driver.customize(vm, 'quickprep');
      await driver.snapshot(vm, 'quickprep');
    });
    recorder.desktop(name, vm.host, 'customized');
    await recorder.track('power-on', async () => {
      await powerOps(() => driver.powerOn(vm));
      recorder.desktop(name, vm.host, 'powered-on');
      await driver.waitUntilReady(vm);
    });
    recorder.desktop(name, vm.host, 'ready');
  })));
};
