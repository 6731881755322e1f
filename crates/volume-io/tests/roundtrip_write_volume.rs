//! `write_volume` picks the format from the extension and keeps the element type.

use lungprep_volume_io::{read, write_volume, AnyVolume, ReadOptions, Volume};
use ndarray::Array3;

#[test]
fn write_volume_round_trips_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = Volume::new(Array3::from_shape_fn((3, 4, 5), |(z, y, x)| {
        (z * 100 + y * 10 + x) as f32 - 50.5
    }));
    v.spacing = [2.5, 0.75, 0.5];
    let any = AnyVolume::F32(v.clone());
    for name in ["a.npy", "a.nii", "a.nii.gz", "a.mhd", "a.mha"] {
        let p = dir.path().join(name);
        write_volume(&any, &p).unwrap();
        let back = read(&p, &ReadOptions::default()).unwrap();
        assert_eq!(back.dtype(), "float32", "{name}");
        match back {
            AnyVolume::F32(b) => assert_eq!(b.data, v.data, "{name}"),
            other => panic!("{name}: {}", other.dtype()),
        }
    }
    assert!(write_volume(&any, &dir.path().join("a.png")).is_err());
}
