// The ONVIF camera simulator against the spec: WS-Security digest checked (bad password, stale Created, replayed
// nonce refused with ter:NotAuthorized), the `onvif` package's real client connects and drives PTZ, events and the
// snapshot, garbage and unknown actions get SOAP faults, and the snapshot needs HTTP Digest.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Cam } from 'onvif/promises';
import { startSimCamera, type SimCamera } from '../src/demo/onvif/camera';
import { fetchImage } from '../src/drivers/cameras/client';

let sim: SimCamera;

before(async () => {
  sim = await startSimCamera({ username: 'admin', password: 'pa<ss>&"word', maxPullWaitMs: 2000 });
});
after(() => sim.stop());

function token(password: string, created: string, nonce = randomBytes(16)) {
  const digest = createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(password)]))
    .digest('base64');
  return (
    '<Security s:mustUnderstand="1" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">' +
    `<UsernameToken><Username>admin</Username><Password Type="...#PasswordDigest">${digest}</Password>` +
    `<Nonce EncodingType="...#Base64Binary">${nonce.toString('base64')}</Nonce>` +
    `<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${created}</Created>` +
    '</UsernameToken></Security>'
  );
}

async function soap(path: string, body: string, header = ''): Promise<{ status: number; text: string; type: string }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
    body: `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`,
  });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

const presetsBody = '<GetPresets xmlns="http://www.onvif.org/ver20/ptz/wsdl"><ProfileToken>profile_main</ProfileToken></GetPresets>';

describe('WS-Security UsernameToken digest', () => {
  test('a correct digest is accepted; the same nonce a second time is a replay and refused', async () => {
    const nonce = randomBytes(16);
    const created = new Date().toISOString();
    const ok = await soap('/onvif/ptz_service', presetsBody, token('pa<ss>&"word', created, nonce));
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.type, /application\/soap\+xml/);
    assert.match(ok.text, /<tptz:Preset token="1"><tt:Name>Front door<\/tt:Name>/);
    const before = sim.authFailures.length;
    const replay = await soap('/onvif/ptz_service', presetsBody, token('pa<ss>&"word', created, nonce));
    assert.equal(replay.status, 400);
    assert.match(replay.text, /s:Sender[\s\S]*ter:NotAuthorized/);
    assert.deepEqual(sim.authFailures.slice(before), ['replay']);
  });

  test('a stale Created (ten minutes old) is refused even with the right password', async () => {
    const res = await soap('/onvif/ptz_service', presetsBody, token('pa<ss>&"word', new Date(Date.now() - 600_000).toISOString()));
    assert.equal(res.status, 400);
    assert.match(res.text, /ter:NotAuthorized/);
    assert.equal(sim.authFailures.at(-1), 'stale');
  });

  test('a wrong password and a missing header are refused', async () => {
    const bad = await soap('/onvif/ptz_service', presetsBody, token('wrong', new Date().toISOString()));
    assert.equal(bad.status, 400);
    assert.equal(sim.authFailures.at(-1), 'bad-digest');
    const none = await soap('/onvif/ptz_service', presetsBody);
    assert.equal(none.status, 400);
    assert.equal(sim.authFailures.at(-1), 'missing');
  });

  test('GetSystemDateAndTime answers without credentials (the client needs the clock first)', async () => {
    const res = await soap('/onvif/device_service', '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>');
    assert.equal(res.status, 200);
    assert.match(res.text, /<tt:UTCDateTime><tt:Time><tt:Hour>\d+<\/tt:Hour>/);
  });
});

describe('bad input', () => {
  test('garbage, a truncated envelope and an empty body get a SOAP Sender fault, and the camera keeps serving', async () => {
    for (const body of ['this is not xml', '<s:Envelope><s:Body><GetPresets>', '']) {
      const res = await fetch(`${sim.url}/onvif/device_service`, { method: 'POST', body });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /<s:Fault>[\s\S]*s:Sender[\s\S]*not a well-formed SOAP envelope/);
    }
    const ok = await soap('/onvif/device_service', '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>');
    assert.equal(ok.status, 200);
  });

  test('an action the camera does not implement answers ter:ActionNotSupported', async () => {
    const res = await soap(
      '/onvif/device_service',
      '<GetWsdlUrl xmlns="http://www.onvif.org/ver10/device/wsdl"/>',
      token('pa<ss>&"word', new Date().toISOString()),
    );
    assert.equal(res.status, 500);
    assert.match(res.text, /s:Receiver[\s\S]*ter:ActionNotSupported/);
  });
});

describe('the onvif package against the simulator', () => {
  // biome-ignore lint/suspicious/noExplicitAny: the promise API is typed loosely (optional arguments missing)
  let cam: any;

  before(async () => {
    cam = new Cam({
      hostname: '127.0.0.1',
      port: sim.port,
      username: 'admin',
      password: 'pa<ss>&"word',
      preserveAddress: true,
      timeout: 5000,
    });
    // The library puts the password into nothing but the digest, so markup characters in it are fine.
    await cam.connect();
  });

  test('connect finds the profile, its video source and its PTZ configuration', () => {
    assert.equal(cam.activeSource.profileToken, 'profile_main');
    assert.equal(cam.activeSource.sourceToken, 'video_source_0');
    assert.equal(cam.activeSource.ptz.token, 'ptz_0');
  });

  test('presets move the position; SetPreset stores the current one; tokens parse as numbers (the trap)', async () => {
    const presets = await cam.getPresets();
    assert.equal(typeof presets.Driveway.$.token, 'number', 'the library turns "2" into 2: callers must pass String(token)');
    await cam.gotoPreset({ preset: String(presets.Driveway.$.token) });
    assert.deepEqual(sim.position(), { x: 0.6, y: -0.2, zoom: 0 });
    await cam.setPreset({ presetName: 'Porch' });
    assert.ok(sim.presets().some((p) => p.name === 'Porch'));
    await assert.rejects(cam.gotoPreset({ preset: '99' }), /preset token 99 does not exist/);
  });

  test('continuous move changes the position until Stop; the Timeout stops it by itself', async () => {
    await cam.gotoPreset({ preset: '1' });
    const start = sim.position().x;
    await cam.continuousMove({ x: 0.5, y: 0, zoom: 0, timeout: 30_000 });
    assert.ok(sim.moving());
    const deadline = Date.now() + 5000;
    while (sim.position().x <= start && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await cam.stop({ panTilt: true, zoom: true });
    assert.equal(sim.moving(), false);
    const stopped = sim.position().x;
    assert.ok(stopped > start, `moved right: ${start} -> ${stopped}`);
    const status = await cam.getStatus();
    assert.equal(status.moveStatus.panTilt, 'IDLE');
    await cam.continuousMove({ x: -0.2, y: 0, zoom: 0, timeout: 100 });
    const until = Date.now() + 5000;
    while (sim.moving() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sim.moving(), false, 'the camera stopped itself after the Timeout');
  });

  test('pull point: a motion event arrives through PullMessages; Renew and Unsubscribe work', async () => {
    await cam.createPullPointSubscription();
    assert.equal(sim.subscriptions(), 1);
    const pulled = cam.pullMessages({});
    setTimeout(() => sim.motion(true), 50);
    const data = await pulled;
    assert.equal(data.notificationMessage.topic._, 'tns1:RuleEngine/CellMotionDetector/Motion');
    assert.equal(data.notificationMessage.message.message.data.simpleItem.$.Value, true);
    const renewed = await cam.renew({});
    assert.ok(renewed.terminationTime instanceof Date);
    await cam.unsubscribe();
    assert.equal(sim.subscriptions(), 0);
  });

  test('the snapshot URI serves a JPEG behind HTTP Digest', async () => {
    const { uri } = await cam.getSnapshotUri();
    const plain = await fetch(uri);
    assert.equal(plain.status, 401);
    assert.match(plain.headers.get('www-authenticate') ?? '', /^Digest realm=/);
    const { image, contentType } = await fetchImage(new URL(uri), { username: 'admin', password: 'pa<ss>&"word' }, 1 << 20, 5000);
    assert.equal(contentType, 'image/jpeg');
    assert.deepEqual([...image.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    await assert.rejects(fetchImage(new URL(uri), { username: 'admin', password: 'nope' }, 1 << 20, 5000), /not authorised/);
  });

  test('a wrong password fails connect with NotAuthorized', async () => {
    const bad = new Cam({
      hostname: '127.0.0.1',
      port: sim.port,
      username: 'admin',
      password: 'nope',
      preserveAddress: true,
      timeout: 5000,
    });
    await assert.rejects(bad.connect(), /not Authorized/);
  });
});
