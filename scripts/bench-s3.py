#!/usr/bin/env python3
"""S3 and KMS chores of scripts/bench-suite, with boto3 (not part of the measurement).

  bench-s3.py kms-key ENDPOINT ALIAS             create a symmetric key in moto, name it alias/ALIAS
  bench-s3.py create-bucket ENDPOINT KEY SECRET BUCKET
  bench-s3.py presign < LINES                    for each input line "NAME ENDPOINT KEY SECRET BUCKET
                                                 OBJECT METHOD" (GET, HEAD, PUT) print "NAME URL": a SigV4 presigned URL
                                                 (path style, us-east-1, valid 7 days); a presigned PUT
                                                 is UNSIGNED-PAYLOAD, as the SDKs presign it
"""
import sys

import boto3
from botocore.config import Config

REGION = "us-east-1"


def s3(endpoint, key, secret):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "kms-key":
        endpoint, alias = args
        kms = boto3.client(
            "kms", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test"
        )
        key_id = kms.create_key(Description="s3seal bench-suite")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/" + alias, TargetKeyId=key_id)
        print(key_id)
    elif command == "create-bucket":
        endpoint, key, secret, bucket = args
        s3(endpoint, key, secret).create_bucket(Bucket=bucket)
    elif command == "presign":
        for line in sys.stdin:
            if not line.strip():
                continue
            name, endpoint, key, secret, bucket, obj, method = line.split()
            operation = {"GET": "get_object", "HEAD": "head_object", "PUT": "put_object"}[method]
            url = s3(endpoint, key, secret).generate_presigned_url(
                operation, Params={"Bucket": bucket, "Key": obj}, ExpiresIn=7 * 24 * 3600
            )
            print(name, url)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
